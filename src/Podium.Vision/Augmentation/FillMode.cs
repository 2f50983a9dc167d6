namespace Podium.Vision.Augmentation;

/// <summary>How points outside the image are filled, as Keras's fill_mode (scipy.ndimage modes).</summary>
public enum FillMode
{
    /// <summary>aaaaaaaa|abcd|dddddddd (Keras's default).</summary>
    Nearest,

    /// <summary>kkkkkkkk|abcd|kkkkkkkk with k = cval.</summary>
    Constant,

    /// <summary>abcddcba|abcd|dcbaabcd.</summary>
    Reflect,

    /// <summary>abcdabcd|abcd|abcdabcd.</summary>
    Wrap,
}
