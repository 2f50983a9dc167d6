"""Writes one image file of every kind Podium decodes, with Debian's PIL and ImageMagick, into the current
folder, and prints PIL's decoding of each as JSON: what Keras's load_img gives, Image.open(f).convert('RGB')
and .convert('L'), as base64 bytes."""
import base64, json, struct, subprocess, sys, warnings
import numpy as np
from PIL import Image, PngImagePlugin

warnings.simplefilter('ignore')
rng = np.random.RandomState(7)
H, W = 13, 17  # odd sizes: partial JPEG blocks and MCUs, padded BMP rows, odd chroma sampling
yy, xx = np.mgrid[0:H, 0:W]
smooth = np.stack([xx * 15, yy * 19, (xx + yy) * 8], -1).clip(0, 255).astype(np.uint8)
noise = rng.randint(0, 256, (H, W, 3)).astype(np.uint8)
photo = ((smooth.astype(int) * 3 + noise) // 4).astype(np.uint8)  # smooth with detail, as photos are
gray = photo[..., 1].copy()
alpha = rng.randint(0, 256, (H, W)).astype(np.uint8)
alpha[0, :4] = 0  # fully transparent pixels keep their colour in PIL

def magick(args, out):
    subprocess.run(['/usr/bin/convert', *args, out], check=True)

def pnm(name, array):
    """A binary PPM/PGM of the given 8- or 16-bit array, as ImageMagick's input."""
    depth = 65535 if array.dtype == np.uint16 else 255
    kind = 'P5' if array.ndim == 2 else 'P6'
    with open(name, 'wb') as f:
        f.write(f'{kind}\n{array.shape[1]} {array.shape[0]}\n{depth}\n'.encode())
        f.write(array.astype('>u2' if depth == 65535 else np.uint8).tobytes())
    return name

files = {}
def add(name, note):
    files[name] = note

# JPEG: PIL's encoder (libjpeg-turbo), every chroma subsampling, baseline and progressive.
for sub, tag in [(2, '420'), (1, '422'), (0, '444')]:
    Image.fromarray(photo).save(f'jpeg_{tag}.jpg', quality=90, subsampling=sub); add(f'jpeg_{tag}.jpg', f'baseline {tag}')
    Image.fromarray(photo).save(f'jpeg_{tag}_progressive.jpg', quality=90, subsampling=sub, progressive=True); add(f'jpeg_{tag}_progressive.jpg', f'progressive {tag}')
Image.fromarray(gray).save('jpeg_gray.jpg', quality=85); add('jpeg_gray.jpg', 'greyscale')
Image.fromarray(gray).save('jpeg_gray_progressive.jpg', quality=85, progressive=True); add('jpeg_gray_progressive.jpg', 'greyscale progressive')
Image.fromarray(photo).convert('CMYK').save('jpeg_cmyk.jpg', quality=90); add('jpeg_cmyk.jpg', 'CMYK (PIL: Adobe marker, transform 0)')
magick([pnm('photo.ppm', photo), '-colorspace', 'CMYK', '-quality', '90'], 'jpeg_ycck.jpg'); add('jpeg_ycck.jpg', 'YCCK (ImageMagick: Adobe marker, transform 2)')
exif = Image.Exif(); exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
Image.fromarray(photo).save('jpeg_exif_rotated.jpg', quality=90, exif=exif); add('jpeg_exif_rotated.jpg', 'EXIF orientation 6, not applied (as Keras)')

# PNG: every colour type and bit depth.
Image.fromarray(gray > 128).save('png_gray1.png'); add('png_gray1.png', '1-bit grey')
for bits in (2, 4):
    magick([pnm('gray.pgm', gray), '-depth', str(bits), '-define', f'png:bit-depth={bits}', '-define', 'png:color-type=0'], f'png_gray{bits}.png'); add(f'png_gray{bits}.png', f'{bits}-bit grey')
Image.fromarray(gray).save('png_gray8.png'); add('png_gray8.png', '8-bit grey')
gray16 = (gray.astype(np.uint16) * 257 + rng.randint(0, 257, (H, W))).astype(np.uint16)
gray16[0, 0], gray16[0, 1], gray16[0, 2] = 32768, 255, 256
Image.fromarray(gray16, 'I;16').save('png_gray16.png'); add('png_gray16.png', '16-bit grey (PIL clips to 255)')
Image.fromarray(gray).save('png_gray8_trns.png', transparency=int(gray[1, 1])); add('png_gray8_trns.png', '8-bit grey with tRNS')
Image.fromarray(np.stack([gray, alpha], -1), 'LA').save('png_gray_alpha8.png'); add('png_gray_alpha8.png', '8-bit grey+alpha')
magick([pnm('gray16.pgm', gray16), pnm('alpha16.pgm', (alpha.astype(np.uint16) * 257)), '-alpha', 'off', '-compose', 'CopyOpacity', '-composite', '-define', 'png:bit-depth=16', '-define', 'png:color-type=4'], 'png_gray_alpha16.png'); add('png_gray_alpha16.png', '16-bit grey+alpha')
Image.fromarray(photo).save('png_rgb8.png'); add('png_rgb8.png', '8-bit RGB')
rgb16 = (photo.astype(np.uint16) * 257 + rng.randint(0, 257, (H, W, 3))).astype(np.uint16)
rgb16[0, 0] = [32768, 32767, 65535]
magick([pnm('rgb16.ppm', rgb16), '-define', 'png:bit-depth=16', '-define', 'png:color-type=2'], 'png_rgb16.png'); add('png_rgb16.png', '16-bit RGB')
Image.fromarray(photo).save('png_rgb8_trns.png', transparency=tuple(int(v) for v in photo[2, 3])); add('png_rgb8_trns.png', '8-bit RGB with tRNS')
Image.fromarray(np.dstack([photo, alpha]), 'RGBA').save('png_rgba8.png'); add('png_rgba8.png', '8-bit RGBA')
magick([pnm('rgb16.ppm', rgb16), pnm('alpha16.pgm', (alpha.astype(np.uint16) * 257)), '-alpha', 'off', '-compose', 'CopyOpacity', '-composite', '-define', 'png:bit-depth=16', '-define', 'png:color-type=6'], 'png_rgba16.png'); add('png_rgba16.png', '16-bit RGBA')
for bits, colours in [(1, 2), (2, 4), (4, 16), (8, 200)]:
    Image.fromarray(photo).quantize(colours).save(f'png_palette{bits}.png', bits=bits); add(f'png_palette{bits}.png', f'{bits}-bit palette')
pal = Image.fromarray(photo).quantize(16)
pal.save('png_palette_trns.png', transparency=bytes([0, 128, 255] + [255] * 13)); add('png_palette_trns.png', 'palette with tRNS alpha')
info = PngImagePlugin.PngInfo(); info.add(b'gAMA', struct.pack('>I', 100000))
Image.fromarray(photo).save('png_gama10.png', pnginfo=info); add('png_gama10.png', 'gAMA 1.0 (PIL ignores it)')
info = PngImagePlugin.PngInfo(); info.add(b'gAMA', struct.pack('>I', 45455)); info.add(b'cHRM', struct.pack('>8I', 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000))
Image.fromarray(photo).save('png_gama_chrm.png', pnginfo=info); add('png_gama_chrm.png', 'gAMA 1/2.2 and cHRM')
info = PngImagePlugin.PngInfo(); info.add(b'sRGB', bytes([0]))
Image.fromarray(photo).save('png_srgb.png', pnginfo=info); add('png_srgb.png', 'sRGB chunk')
# An ICC profile far from sRGB, made by Pillow's ImageCms: PIL leaves the stored values as they are.
from PIL import ImageCms
icc = ImageCms.ImageCmsProfile(ImageCms.createProfile('LAB')).tobytes()
Image.fromarray(photo).save('png_iccp.png', icc_profile=icc); add('png_iccp.png', 'iCCP (a Lab profile PIL ignores)')
magick([pnm('photo.ppm', photo), '-interlace', 'PNG'], 'PNG24:png_rgb8_interlaced.png'); add('png_rgb8_interlaced.png', 'Adam7 interlaced RGB')
magick([pnm('photo.ppm', photo), '-colors', '100', '-interlace', 'PNG'], 'PNG8:png_palette8_interlaced.png'); add('png_palette8_interlaced.png', 'Adam7 interlaced palette')

# BMP.
Image.fromarray(photo).save('bmp_rgb24.bmp'); add('bmp_rgb24.bmp', '24-bit')
Image.fromarray(photo).quantize(200).save('bmp_palette8.bmp'); add('bmp_palette8.bmp', '8-bit palette')
Image.fromarray(gray).save('bmp_gray8.bmp'); add('bmp_gray8.bmp', '8-bit grey palette')
Image.fromarray(gray > 128).save('bmp_mono1.bmp'); add('bmp_mono1.bmp', '1-bit')
magick([pnm('photo.ppm', photo), '-colors', '16', '-type', 'Palette'], 'BMP3:bmp_palette4.bmp'); add('bmp_palette4.bmp', '4-bit palette (ImageMagick)')
magick([pnm('photo.ppm', photo), '-colors', '200', '-type', 'Palette', '-compress', 'RLE'], 'BMP3:bmp_rle8.bmp'); add('bmp_rle8.bmp', '8-bit RLE (ImageMagick)')
Image.fromarray(np.dstack([photo, alpha]), 'RGBA').save('bmp_rgba32.bmp'); add('bmp_rgba32.bmp', '32-bit with alpha')

# GIF: the first frame, with and without a transparent colour.
Image.fromarray(photo).quantize(64).save('gif_plain.gif'); add('gif_plain.gif', 'one frame')
pal.save('gif_transparent.gif', transparency=3); add('gif_transparent.gif', 'transparent colour index')
magick([pnm('photo.ppm', photo), '-colors', '32', '-repage', '25x20+4+3'], 'gif_offset_frame.gif'); add('gif_offset_frame.gif', 'a frame smaller than the canvas')
frames = [Image.fromarray(photo).quantize(32), Image.fromarray(255 - photo).quantize(32)]
frames[0].save('gif_animated.gif', save_all=True, append_images=frames[1:], duration=100); add('gif_animated.gif', 'two frames; the first is read')

out = {}
for name, note in files.items():
    with Image.open(name) as im:
        rgb = im.convert('RGB')
        out[name] = {'note': note, 'mode': im.mode, 'width': rgb.width, 'height': rgb.height,
                     'rgb': base64.b64encode(rgb.tobytes()).decode(), 'gray': base64.b64encode(im.convert('L').tobytes()).decode()}
json.dump(out, sys.stdout)
