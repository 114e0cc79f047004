namespace ProductKeys.Hosting;

/// <summary>What the Native AOT servers (pk-kms-host, pk-cal-server) print for a failure nobody expected.</summary>
public static class NativeFailure
{
    /// <summary>
    /// The innermost cause, which says what is wrong (a type initializer's own message does not); a missing native
    /// library gets what to do about it.
    /// </summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="executable">The server's file name, e.g. <c>pk-cal-server</c>.</param>
    /// <param name="publishScript">The script that publishes it with its libraries.</param>
    public static string Explain(Exception exception, string executable, string publishScript)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var innermost = exception;
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is DllNotFoundException)
            {
                return $"A native library could not be loaded: {cause.Message.Split('\n')[0].Trim()} {executable} needs libe_sqlite3.so "
                    + $"(published with it by {publishScript}) in its own folder, and OpenSSL 3 on the system.";
            }

            innermost = cause;
        }

        return innermost.Message;
    }
}
