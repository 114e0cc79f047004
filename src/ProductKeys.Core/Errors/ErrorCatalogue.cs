namespace ProductKeys.Core.Errors;

/// <summary>
/// Every refusal ProductKeys can give (docs/product.md §10), in one place. Exit codes: 0 success,
/// 1 unexpected failure, 2 command-line usage (<see cref="UsageInvalid"/>); refusals use 10 and up, one per code.
/// </summary>
public static class ErrorCatalogue
{
    // Product keys
    /// <summary>The text is not a product key (length or a character outside the alphabet).</summary>
    public static readonly ErrorCode KeyMalformed = new("KEY_MALFORMED", 400, 10,
        "That is not a product key: type 25 characters from BCDFGHJKMPQRTVWXY2346789, e.g. XXXXX-XXXXX-XXXXX-XXXXX-XXXXX.");
    /// <summary>The key fails its checksum: a typo.</summary>
    public static readonly ErrorCode KeyChecksum = new("KEY_CHECKSUM", 400, 11,
        "The key has a typo (checksum mismatch): compare it character by character with the original.");
    /// <summary>The key belongs to another product.</summary>
    public static readonly ErrorCode KeyNotForProduct = new("KEY_NOT_FOR_PRODUCT", 400, 12,
        "This key is for a different product: use a key issued for this product.");
    /// <summary>The key fails the security value: not issued by the publisher.</summary>
    public static readonly ErrorCode KeyUnknown = new("KEY_UNKNOWN", 400, 13,
        "This key was not issued by the publisher: check it character by character, or ask your billing administrator to find it with 'pk keys list'.");
    /// <summary>The key was blocked by publisher staff.</summary>
    public static readonly ErrorCode KeyBlocked = new("KEY_BLOCKED", 403, 14,
        "This key has been blocked by the publisher: ask your billing administrator for a new key.");
    /// <summary>The MAK has no activations left.</summary>
    public static readonly ErrorCode MakLimitReached = new("MAK_LIMIT_REACHED", 409, 15,
        "This MAK has used all its activations: ask the publisher to raise the limit, or use another key.");
    /// <summary>A setup key was sent for activation.</summary>
    public static readonly ErrorCode SetupKeyCannotActivate = new("SETUP_KEY_CANNOT_ACTIVATE", 400, 16,
        "A setup key only installs the product: install a MAK or point the device at a KMS host to activate.");
    /// <summary>A KMS client setup key was sent to the licensing service.</summary>
    public static readonly ErrorCode KmsClientKeyOnline = new("KMS_CLIENT_KEY_ONLINE", 400, 17,
        "A KMS client setup key activates through your KMS host, not online: set the host with 'pk skms HOST'.");
    /// <summary>A KMS host key has served its maximum of hosts or activations.</summary>
    public static readonly ErrorCode KmsHostKeyLimit = new("KMS_HOST_KEY_LIMIT", 409, 18,
        "This KMS host key has reached its host or activation limit: reuse an activated host or contact the publisher.");
    /// <summary>The KMS host has not yet seen enough clients.</summary>
    public static readonly ErrorCode KmsCountInsufficient = new("KMS_COUNT_INSUFFICIENT", 409, 19,
        "The KMS host has not yet seen enough devices to activate: the product or 'pk agent' on the device retries every 2 hours ('pk renew' tries now).");
    /// <summary>The KMS host has no valid host certificate.</summary>
    public static readonly ErrorCode KmsHostNotActivated = new("KMS_HOST_NOT_ACTIVATED", 409, 20,
        "The KMS host is not activated: run 'pk kms-host activate' with your KMS host key.");
    /// <summary>The KMS host's key does not cover the product.</summary>
    public static readonly ErrorCode KmsProductNotCovered = new("KMS_PRODUCT_NOT_COVERED", 400, 21,
        "This KMS host cannot activate this product: activate a host with a KMS host key that covers it.");
    /// <summary>No KMS host answered.</summary>
    public static readonly ErrorCode KmsUnreachable = new("KMS_UNREACHABLE", 503, 22,
        "No KMS host answered: check the network, the DNS SRV record _pk-kms._tcp, or set a host with 'pk skms'.");
    /// <summary>Client and server clocks differ too much.</summary>
    public static readonly ErrorCode ClockSkew = new("CLOCK_SKEW", 400, 23,
        "The device clock differs from the server's by more than allowed: correct the date and time, then retry.");
    /// <summary>The hardware changed too much for the stored activation.</summary>
    public static readonly ErrorCode HardwareOutOfTolerance = new("HARDWARE_OUT_OF_TOLERANCE", 409, 24,
        "The hardware changed significantly since activation: activate again ('pk ato').");
    /// <summary>The grace period has run out.</summary>
    public static readonly ErrorCode GraceExpired = new("GRACE_EXPIRED", 409, 25,
        "The grace period is over: activate the product ('pk ato').");
    /// <summary>An offline request or response file cannot be used.</summary>
    public static readonly ErrorCode OfflineDataInvalid = new("OFFLINE_DATA_INVALID", 400, 26,
        "The offline activation file is not valid here: create a new request ('pk dti' on a device, --offline-request on a KMS host or CAL server).");
    /// <summary>A signature does not verify.</summary>
    public static readonly ErrorCode SignatureInvalid = new("SIGNATURE_INVALID", 400, 27,
        "The signature does not verify: the data was altered or signed by an untrusted key.");
    /// <summary>A certificate is outside its validity period.</summary>
    public static readonly ErrorCode CertificateExpired = new("CERTIFICATE_EXPIRED", 400, 28,
        "The certificate has expired: renew the activation.");

    // Access
    /// <summary>The caller is not at least a billing administrator.</summary>
    public static readonly ErrorCode ForbiddenNotBillingAdmin = new("FORBIDDEN_NOT_BILLING_ADMIN", 403, 29,
        "Product keys are shown only to a customer organization's Billing and Global administrators.");
    /// <summary>The caller is not owner or contributor of the billing account.</summary>
    public static readonly ErrorCode ForbiddenNotAccountOwnerOrContributor = new("FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR", 403, 30,
        "You must be an Owner or Contributor of this billing account: ask one of its owners.");
    /// <summary>Too many requests.</summary>
    public static readonly ErrorCode RateLimited = new("RATE_LIMITED", 429, 31,
        "Too many attempts: wait a minute and try again.");

    // CAL server
    /// <summary>No per-device CAL is free and the temporary one expired.</summary>
    public static readonly ErrorCode NoDeviceCalAvailable = new("NO_DEVICE_CAL_AVAILABLE", 403, 32,
        "No per-device CAL is available: install another CAL pack or free a device CAL.");
    /// <summary>The CAL server has no installed pack for the mode asked.</summary>
    public static readonly ErrorCode CalPackNotInstalled = new("CAL_PACK_NOT_INSTALLED", 409, 33,
        "The CAL server has no CAL pack for this mode: install one with 'pk cal-server install-pack --key MAK'.");
    /// <summary>A CAL pack's mode differs from the packs already on the CAL server.</summary>
    public static readonly ErrorCode CalModeMismatch = new("CAL_MODE_MISMATCH", 409, 34,
        "This CAL pack's mode (per user or per device) differs from the packs on this CAL server: install it on a CAL server of its mode.");
    /// <summary>The license store was changed outside ProductKeys: its MAC does not verify (ADR 0019).</summary>
    public static readonly ErrorCode StoreTampered = new("STORE_TAMPERED", 409, 35,
        "The license store was changed outside ProductKeys: its grace period is not believed; activate the product ('pk ato').");
    /// <summary>The trust directory may be changed by someone other than root or this user.</summary>
    public static readonly ErrorCode TrustDirUnsafe = new("TRUST_DIR_UNSAFE", 400, 36,
        "The trust directory must be owned by root (or you) and not writable by group or others: fix it with 'chown root' and 'chmod go-w'.");
    /// <summary>
    /// A KMS host's or CAL server's data folder already trusts publisher keys, and a trust file names a key that neither it nor a
    /// signed key list in hand vouches for (ADR 0024): the folder's trust changes only through the publisher's key lists.
    /// </summary>
    public static readonly ErrorCode PublisherKeyNotVouched = new("PUBLISHER_KEY_NOT_VOUCHED", 409, 37,
        "This data folder already trusts publisher keys and changes them only through the publisher's signed key lists: leave out --trust, or bring the lists (online with --service, or a response from 'pk offline activate'). Nothing was changed.");

    // General
    /// <summary>The request is not valid input.</summary>
    public static readonly ErrorCode ValidationFailed = new("VALIDATION_FAILED", 400, 40,
        "The request is not valid: correct the fields named in the detail.");
    /// <summary>No or bad credentials.</summary>
    public static readonly ErrorCode Unauthenticated = new("UNAUTHENTICATED", 401, 41,
        "You are not signed in, or your sign-in is not (or no longer) valid: sign in again.");
    /// <summary>The caller may not do this.</summary>
    public static readonly ErrorCode Forbidden = new("FORBIDDEN", 403, 42,
        "None of your roles allows this: ask someone who holds a role that does.");
    /// <summary>The thing asked for does not exist (or is not visible to the caller).</summary>
    public static readonly ErrorCode NotFound = new("NOT_FOUND", 404, 43,
        "That does not exist, or is not visible to you: check the name, id or path.");
    /// <summary>The path exists but does not take the request's method (GET where only POST is served, …).</summary>
    public static readonly ErrorCode MethodNotAllowed = new("METHOD_NOT_ALLOWED", 405, 70,
        "That path does not take this method: the Allow header lists those it takes (docs/api.md).");
    /// <summary>The change conflicts with current state.</summary>
    public static readonly ErrorCode Conflict = new("CONFLICT", 409, 44,
        "This cannot be done in the current state: deal with what is in the way, then try again.");
    /// <summary>The request body is too large.</summary>
    public static readonly ErrorCode PayloadTooLarge = new("PAYLOAD_TOO_LARGE", 413, 45,
        "The request body is too large: send less data per request.");
    /// <summary>The request body is not JSON.</summary>
    public static readonly ErrorCode UnsupportedMediaType = new("UNSUPPORTED_MEDIA_TYPE", 415, 46,
        "Send the body as application/json.");
    /// <summary>The last owner of a billing account cannot be removed.</summary>
    public static readonly ErrorCode LastOwner = new("LAST_OWNER", 409, 47,
        "A billing account must keep at least one owner: grant Owner to someone else first.");
    /// <summary>The service could not be reached.</summary>
    public static readonly ErrorCode ServiceUnreachable = new("SERVICE_UNREACHABLE", 503, 48,
        "The licensing service did not answer: check --service and the network, then retry.");
    /// <summary><see cref="ServiceUnreachable"/> as <c>pk cal request</c> says it: the server asked is a CAL server (same code and exit code).</summary>
    public static readonly ErrorCode CalServerUnreachable = ServiceUnreachable with
    {
        Message = "The CAL server did not answer, or answered something that is not the CAL asked for: check --cal-server and the network, then retry.",
    };
    /// <summary>The service (or a proxy before it) answered a server error without an error code.</summary>
    public static readonly ErrorCode ServiceUnavailable = new("SERVICE_UNAVAILABLE", 503, 64,
        "The licensing service answered with a server error: retry later; if it persists, its operator should check the service's log.");
    /// <summary>No rearms are left.</summary>
    public static readonly ErrorCode RearmLimitReached = new("REARM_LIMIT_REACHED", 409, 50,
        "No rearms are left on this device: activate the product instead ('pk ato').");
    /// <summary>The key cannot be used on a device (e.g. a KMS host key).</summary>
    public static readonly ErrorCode KeyWrongUse = new("KEY_WRONG_USE", 400, 51,
        "This key is for something else (a device, a KMS host or a CAL server): the line above says what it activates and with which command.");
    /// <summary>A local file or store cannot be used.</summary>
    public static readonly ErrorCode StoreInvalid = new("STORE_INVALID", 400, 49,
        "A local file or folder is missing or damaged (the line above names it): restore it from its backup; a device's license store is made anew with 'pk ipk KEY --product ID --store DIR'.");
    /// <summary>Another process or thread held a license store's lock for longer than a call waits for it.</summary>
    public static readonly ErrorCode StoreBusy = new("STORE_BUSY", 409, 52,
        "The license store is in use by another process (pk, pk agent or the product) and stayed locked: nothing was changed; retry in a moment.");
    /// <summary>The command line names no such command or option, or misses a required one.</summary>
    public static readonly ErrorCode UsageInvalid = new("USAGE_INVALID", 400, 2,
        "The command line is not valid: see 'pk --help', or 'pk COMMAND --help' for a command's options.");

    // Operator mistakes starting a server (pk server, pk kms-host serve)
    /// <summary>Another process already listens on the address a server was told to use.</summary>
    public static readonly ErrorCode AddressInUse = new("ADDRESS_IN_USE", 503, 60,
        "Another program already listens on that address: stop it, or choose a free port with --urls http://HOST:PORT.");
    /// <summary>
    /// The database cannot be reached or refuses the connection: at a server's start (--db), or
    /// while it serves (a request answered 503 with Retry-After, docs/adr/0029-load-balancer-and-outages.md).
    /// </summary>
    public static readonly ErrorCode DatabaseUnreachable = new("DATABASE_UNREACHABLE", 503, 61,
        "The database could not be used: check that PostgreSQL runs and --db (host, port, database, user, password); a request a server answered with this may be retried in a moment.");
    /// <summary>
    /// A Native AOT server (pk-kms-host, pk-cal-server) cannot load a native library it needs: libe_sqlite3.so not shipped beside
    /// it, or OpenSSL missing from the system. The detail names the file and where it belongs.
    /// </summary>
    public static readonly ErrorCode NativeLibraryMissing = new("NATIVE_LIBRARY_MISSING", 503, 72,
        "A native library the program needs could not be loaded (the line above names the file and where it belongs): copy the files its publish script wrote into one folder, and install OpenSSL 3 on the system.");
    /// <summary>--urls is not a list of http(s) addresses.</summary>
    public static readonly ErrorCode UrlsInvalid = new("URLS_INVALID", 400, 62,
        "--urls must be http:// or https:// addresses with a port, separated by ';', e.g. http://127.0.0.1:8080.");

    /// <summary>A node's publisher secrets differ from those the shared database's keys were issued under.</summary>
    public static readonly ErrorCode SecretsMismatch = new("SECRETS_MISMATCH", 409, 63,
        "A node's publisher secrets are not the ones this database's keys were issued under: a client retries later (another node may answer); the node's operator starts it with the first node's secrets folder (--secrets DIR).");

    // Backup and restore (pk db backup, pk db restore)
    /// <summary>A file given as a backup is not a SQLite database, not a ProductKeys database, or damaged.</summary>
    public static readonly ErrorCode BackupInvalid = new("BACKUP_INVALID", 400, 65,
        "That file is not a usable ProductKeys backup: give a file written by 'pk db backup' (a SQLite database of the licensing service).");
    /// <summary>A backup's schema has migrations this version does not know: it was written by a newer version.</summary>
    public static readonly ErrorCode BackupNewerSchema = new("BACKUP_NEWER_SCHEMA", 409, 66,
        "The backup comes from a newer version of ProductKeys than this one: restore it with that version or a later one.");
    /// <summary>A restore would replace a database that already holds data.</summary>
    public static readonly ErrorCode DatabaseNotEmpty = new("DATABASE_NOT_EMPTY", 409, 67,
        "The database to restore into already holds data: stop its nodes and give --force to replace it, or restore into a new --data folder.");

    /// <summary>pk server on a database whose schema is older than this pk: it migrates only when told to.</summary>
    public static readonly ErrorCode DatabaseSchemaOutdated = new("DATABASE_SCHEMA_OUTDATED", 409, 71,
        "The database's schema is older than this pk: back it up, run 'pk db migrate' with the same --data/--db, then start again.");

    /// <summary>A server's TLS certificate (--cert/--key, or the one its https:// address needs) cannot be used.</summary>
    public static readonly ErrorCode TlsCertificateInvalid = new("TLS_CERTIFICATE_INVALID", 400, 68,
        "The server's TLS certificate cannot be used: give --cert FILE --key FILE (PEM, not expired, the key matching the certificate) with an https:// address in --urls.");

    // TLS on the client side (pk, the client library, KMS clients)
    /// <summary>A server presented a TLS certificate this client does not trust (not by the system store, a pin or a CA file).</summary>
    public static readonly ErrorCode TlsUntrusted = new("TLS_UNTRUSTED", 503, 69,
        "The server's TLS certificate is not trusted here: install its CA in the system store, give --ca FILE, or pin it with --pin-sha256 PIN (the pin a pk server prints when it starts; for a load balancer's certificate, docs/operations.md 'TLS' computes it with openssl).");
    /// <summary>Unexpected failure; a bug, never an answer to input.</summary>
    public static readonly ErrorCode Internal = new("INTERNAL_ERROR", 500, 1,
        "Something went wrong on our side: retry, and report it with the trace id if it persists.");

    /// <summary>Every catalogue entry.</summary>
    public static IReadOnlyList<ErrorCode> All { get; } =
    [
        KeyMalformed, KeyChecksum, KeyNotForProduct, KeyUnknown, KeyBlocked, MakLimitReached,
        SetupKeyCannotActivate, KmsClientKeyOnline, KmsHostKeyLimit, KmsCountInsufficient,
        KmsHostNotActivated, KmsProductNotCovered, KmsUnreachable, ClockSkew, HardwareOutOfTolerance,
        GraceExpired, OfflineDataInvalid, SignatureInvalid, CertificateExpired,
        ForbiddenNotBillingAdmin, ForbiddenNotAccountOwnerOrContributor, RateLimited, NoDeviceCalAvailable,
        CalPackNotInstalled, CalModeMismatch, StoreTampered, TrustDirUnsafe, PublisherKeyNotVouched,
        ValidationFailed, Unauthenticated, Forbidden, NotFound, MethodNotAllowed, Conflict, PayloadTooLarge,
        UnsupportedMediaType, LastOwner, ServiceUnreachable, ServiceUnavailable, RearmLimitReached, KeyWrongUse, StoreInvalid, StoreBusy,
        UsageInvalid, AddressInUse, NativeLibraryMissing, DatabaseUnreachable, UrlsInvalid, SecretsMismatch, BackupInvalid, BackupNewerSchema, DatabaseNotEmpty, DatabaseSchemaOutdated, TlsCertificateInvalid, TlsUntrusted, Internal,
    ];

    /// <summary>
    /// The code for an HTTP status that no endpoint chose itself (a route that does not exist, a
    /// method it does not take, a framework 400), so every problem answer carries a code.
    /// </summary>
    /// <param name="status">The HTTP status of the answer.</param>
    /// <returns>The catalogue entry that status stands for.</returns>
    public static ErrorCode ForHttpStatus(int status) => status switch
    {
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        >= 500 => Internal,
        _ => ValidationFailed,
    };

    /// <summary>Finds a catalogue entry by its code, e.g. from a problem-details answer.</summary>
    public static ErrorCode? Find(string code) => All.FirstOrDefault(e => e.Code == code);
}
