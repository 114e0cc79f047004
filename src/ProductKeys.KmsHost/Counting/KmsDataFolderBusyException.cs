namespace ProductKeys.KmsHost.Counting;

/// <summary>Another KMS host serves the data folder (it holds <c>kms.lock</c>): two hosts would corrupt one count.</summary>
public sealed class KmsDataFolderBusyException : IOException
{
    public KmsDataFolderBusyException()
    {
    }

    public KmsDataFolderBusyException(string message)
        : base(message)
    {
    }

    public KmsDataFolderBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static KmsDataFolderBusyException For(string folder, IOException cause) =>
        new($"Another KMS host is serving {folder} (it holds kms.lock: {cause.Message}). Stop it first, or give this one another --data folder.", cause);
}
