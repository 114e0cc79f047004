using ProductKeys.Core.Errors;

namespace ProductKeys.Hosting;

/// <summary>What the Native AOT servers (pk-kms-host, pk-cal-server) print for a failure at start.</summary>
public static class NativeFailure
{
    /// <summary>SQLite's native library, which the publish scripts write beside the executable.</summary>
    public const string SqliteLibrary = "libe_sqlite3.so";

    /// <summary>
    /// <c>NATIVE_LIBRARY_MISSING</c> when a native library could not be loaded, naming the file and where it belongs; else <c>null</c>.
    /// </summary>
    /// <param name="exception">What was thrown (a type initializer wraps the cause).</param>
    /// <param name="executable">The server's file name, e.g. <c>pk-cal-server</c>.</param>
    /// <param name="publishScript">The script that publishes it with its libraries.</param>
    public static Refusal? MissingLibrary(Exception exception, string executable, string publishScript)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is not DllNotFoundException)
            {
                continue;
            }

            // The runtime's first sentence names the library; the rest is advice about strace and LD_DEBUG.
            var loader = cause.Message.Split(". ", 2)[0].Trim().TrimEnd('.');
            if (!cause.Message.Contains("e_sqlite3", StringComparison.Ordinal))
            {
                return new Refusal(ErrorCatalogue.NativeLibraryMissing,
                    $"{loader}. {executable} needs OpenSSL 3 on the system (libssl.so.3 and libcrypto.so.3): install it (Debian: libssl3).");
            }

            var expected = Path.Combine(AppContext.BaseDirectory, SqliteLibrary);
            return new Refusal(ErrorCatalogue.NativeLibraryMissing,
                $"{expected} {(File.Exists(expected) ? "cannot be loaded" : "is missing")} ({loader}): {executable} needs SQLite's library in its own folder, "
                + $"where {publishScript} writes it beside the executable; copy the two files together.");
        }

        return null;
    }

    /// <summary>The innermost cause of an unexpected failure, which says what is wrong (a type initializer's own message does not).</summary>
    public static string Explain(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var innermost = exception;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return innermost.Message;
    }
}
