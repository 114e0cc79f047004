using System.Diagnostics.CodeAnalysis;

namespace ProductKeys.Core.Errors;

/// <summary>Either a value or a <see cref="Refusal"/>; the way Core reports expected failures.</summary>
/// <typeparam name="T">The type of the successful value.</typeparam>
public readonly struct Outcome<T>
{
    private readonly T? _value;

    /// <summary>A successful outcome.</summary>
    public Outcome(T value)
    {
        _value = value;
        Refusal = null;
    }

    /// <summary>A refused outcome.</summary>
    public Outcome(Refusal refusal)
    {
        _value = default;
        Refusal = refusal ?? throw new ArgumentNullException(nameof(refusal));
    }

    /// <summary>The refusal, or <c>null</c> on success.</summary>
    public Refusal? Refusal { get; }

    /// <summary>True when the operation succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool IsSuccess => Refusal is null;

    /// <summary>The value; throws when the outcome is a refusal.</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"No value: {Refusal}");

    /// <summary>Implicit success.</summary>
    public static implicit operator Outcome<T>(T value) => new(value);

    /// <summary>Implicit refusal.</summary>
    public static implicit operator Outcome<T>(Refusal refusal) => new(refusal);
}
