namespace Podium.Vision.Augmentation;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix, in double precision: Householder reduction to
/// tridiagonal form, then the implicit QL iteration with Wilkinson-style shifts. Eigenvectors are kept as rows,
/// so every rotation and reflection touches contiguous memory.
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>Decomposes <paramref name="a"/> (n rows of n, symmetric; destroyed) into values and row eigenvectors, a = Σ λᵢ vᵢ vᵢᵀ.</summary>
    public static (double[] Values, double[][] Vectors) Decompose(double[][] a)
    {
        var (diagonal, offDiagonal, vectors) = Tridiagonalize(a);
        ImplicitQl(diagonal, offDiagonal, vectors);
        return (diagonal, vectors);
    }

    /// <summary>A = Q T Qᵀ with T tridiagonal; returns T's diagonal, its sub-diagonal (last entry 0) and Qᵀ as rows.</summary>
    private static (double[] Diagonal, double[] OffDiagonal, double[][] Qt) Tridiagonalize(double[][] a)
    {
        var n = a.Length;
        var qt = new double[n][];
        for (var i = 0; i < n; i++)
        {
            qt[i] = new double[n];
            qt[i][i] = 1;
        }

        var v = new double[n];
        var p = new double[n];
        var projection = new double[n];
        var offDiagonal = new double[n];
        for (var k = 0; k < n - 2; k++)
        {
            // The reflection H = I − 2vvᵀ that maps a[k+1.., k] onto a multiple of the first unit vector.
            double norm = 0;
            for (var i = k + 1; i < n; i++)
            {
                norm += a[i][k] * a[i][k];
            }

            norm = Math.Sqrt(norm);
            var x0 = a[k + 1][k];
            var alpha = x0 >= 0 ? -norm : norm;
            offDiagonal[k] = alpha;
            double vNorm = 0;
            for (var i = k + 1; i < n; i++)
            {
                v[i] = a[i][k] - (i == k + 1 ? alpha : 0);
                vNorm += v[i] * v[i];
            }

            if (vNorm == 0)
            {
                offDiagonal[k] = x0;
                continue;
            }

            var scale = 1 / Math.Sqrt(vNorm);
            for (var i = k + 1; i < n; i++)
            {
                v[i] *= scale;
            }

            // A' ← H A' H = A' − 2 v wᵀ − 2 w vᵀ with p = A'v, K = vᵀp and w = p − K v.
            double kk = 0;
            for (var i = k + 1; i < n; i++)
            {
                p[i] = Simd.Dot<double>(a[i].AsSpan(k + 1), v.AsSpan(k + 1));
                kk += v[i] * p[i];
            }

            for (var i = k + 1; i < n; i++)
            {
                p[i] -= kk * v[i];
            }

            for (var i = k + 1; i < n; i++)
            {
                var row = a[i];
                var (vi, wi) = (2 * v[i], 2 * p[i]);
                for (var j = k + 1; j < n; j++)
                {
                    row[j] -= vi * p[j] + wi * v[j];
                }
            }

            // Qᵀ ← H Qᵀ on rows k+1..n−1.
            Array.Clear(projection);
            for (var i = k + 1; i < n; i++)
            {
                var (row, vi) = (qt[i], v[i]);
                for (var j = 0; j < n; j++)
                {
                    projection[j] += vi * row[j];
                }
            }

            for (var i = k + 1; i < n; i++)
            {
                var (row, vi) = (qt[i], 2 * v[i]);
                for (var j = 0; j < n; j++)
                {
                    row[j] -= vi * projection[j];
                }
            }
        }

        if (n >= 2)
        {
            offDiagonal[n - 2] = a[n - 1][n - 2];
        }

        var diagonal = new double[n];
        for (var i = 0; i < n; i++)
        {
            diagonal[i] = a[i][i];
        }

        return (diagonal, offDiagonal, qt);
    }

    /// <summary>Diagonalises the tridiagonal (d, e) in place, applying every rotation to the rows of <paramref name="vectors"/>.</summary>
    private static void ImplicitQl(double[] d, double[] e, double[][] vectors)
    {
        var n = d.Length;
        for (var l = 0; l < n; l++)
        {
            for (var iteration = 0; ; iteration++)
            {
                var m = l;
                while (m < n - 1 && Math.Abs(e[m]) > double.Epsilon + 2.3e-16 * (Math.Abs(d[m]) + Math.Abs(d[m + 1])))
                {
                    m++;
                }

                if (m == l)
                {
                    break;
                }

                if (iteration == 100)
                {
                    throw new InvalidOperationException("the eigenvalue iteration did not converge");
                }

                // Shift from the leading 2×2 block, then chase the bulge from m up to l with Givens rotations.
                var g = (d[l + 1] - d[l]) / (2 * e[l]);
                var r = Hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
                double s = 1, c = 1, shift = 0;
                var deflated = false;
                for (var i = m - 1; i >= l; i--)
                {
                    var f = s * e[i];
                    var b = c * e[i];
                    r = Hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0)
                    {
                        d[i + 1] -= shift;
                        e[m] = 0;
                        deflated = true;
                        break;
                    }

                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - shift;
                    r = (d[i] - g) * s + 2 * c * b;
                    shift = s * r;
                    d[i + 1] = g + shift;
                    g = c * r - b;
                    Rotate(vectors[i], vectors[i + 1], c, s);
                }

                if (deflated)
                {
                    continue;
                }

                d[l] -= shift;
                e[l] = g;
                e[m] = 0;
            }
        }
    }

    /// <summary>(x, y) ← (c·x − s·y, s·x + c·y), element by element.</summary>
    private static void Rotate(double[] x, double[] y, double c, double s)
    {
        for (var k = 0; k < x.Length; k++)
        {
            var (xk, yk) = (x[k], y[k]);
            x[k] = c * xk - s * yk;
            y[k] = s * xk + c * yk;
        }
    }

    private static double Hypot(double x, double y)
    {
        var (ax, ay) = (Math.Abs(x), Math.Abs(y));
        if (ax < ay)
        {
            (ax, ay) = (ay, ax);
        }

        if (ax == 0)
        {
            return 0;
        }

        var ratio = ay / ax;
        return ax * Math.Sqrt(1 + ratio * ratio);
    }
}
