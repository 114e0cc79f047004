namespace ProductKeys.Cli.Admin;

/// <summary>
/// Counts the keys of an export as its bytes stream past: CSV rows after the header line, or the
/// objects of the JSON array (whose one line holds them all, so lines would count nothing).
/// </summary>
internal sealed class ExportedKeyCounter(bool json)
{
    private long _newlines;
    private byte _last;
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private long _objects;

    public long Keys => json ? _objects : Math.Max(0, _newlines + (_last is 0 or (byte)'\n' ? 0 : 1) - 1);

    public void Add(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        _last = bytes[^1];
        if (!json)
        {
            _newlines += bytes.Count((byte)'\n');
            return;
        }

        foreach (var b in bytes)
        {
            if (_inString)
            {
                (_escaped, _inString) = _escaped ? (false, true) : (b == '\\', b != '"');
                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    _inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    _objects += b == '{' && _depth == 1 ? 1 : 0;
                    _depth++;
                    break;
                case (byte)'}' or (byte)']':
                    _depth--;
                    break;
            }
        }
    }
}
