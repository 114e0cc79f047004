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
}
