using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProductKeys.AdminApi.Orders;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Catalog;
using ProductKeys.Data.Keys;
using ProductKeys.Data.Orders;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Catalog;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Orders;

/// <summary>
/// Turns a purchase into orders → key packages → keys (serials only; keys are derived when shown).
/// Shared by the orders endpoint and the demo seeder.
/// </summary>
internal sealed class OrderPlacement(
    LicensingDbContext db, AuditLog audit, KeySecrets secrets, IOptions<OrderOptions> options, TimeProvider time, ILogger<OrderPlacement> logger)
{
    /// <summary>The rules of placing an order on a user's behalf (role, quantity, product); the API and the portal call this.</summary>
    public async Task<Outcome<PurchaseResponse>> PlaceForAsync(Guid id, OrderRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayPlaceOrders(role), ct);
        if (!access.IsSuccess)
        {
            return access.Refusal;
        }

        var max = options.Value.MaxQuantity;
        if (string.IsNullOrWhiteSpace(request.Product) || request.Quantity is null)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "Send {\"product\": ID, \"quantity\": N} (and \"split\": true to split CAL orders above the pack size).");
        }

        if (request.Quantity is < 1 || request.Quantity > max)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"quantity must be between 1 and {max}; it was {request.Quantity}.");
        }

        // Not a slug is no product; nor is it sent to the database (PostgreSQL refuses a NUL in a string).
        var product = Names.IsValidSlug(request.Product)
            ? await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.Product, ct)
            : null;
        if (product is null)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"There is no product '{request.Product}': list them with GET /api/v1/products.");
        }

        return await PlaceAsync(id, product, request.Quantity.Value, request.Split ?? false, user.UserId(), user.UserName(), ct);
    }

    public async Task<Outcome<PurchaseResponse>> PlaceAsync(
        Guid accountId, Product product, int quantity, bool split, Guid userId, string actor, CancellationToken ct)
    {
        var packSize = options.Value.CalPackSize;
        var isCal = product.Category == ProductCategory.Cal;
        var parts = isCal && split && quantity > packSize ? Split(quantity, packSize) : [quantity];
        var yields = CatalogKeys.OrderYields(product);

        await using var tx = await audit.BeginAsync(ct);

        // A node behind another node's rotation would issue keys under the secret the rotation retired (read inside
        // the order's transaction).
        if (await SecretsFingerprints.RefuseOutdatedAsync(db, secrets, ct) is { } outdated)
        {
            return outdated;
        }

        var first = await SerialAllocator.AllocateAsync(db, product.KeyGroup, parts.Count * yields.Count, ct);
        if (first is not { } serial)
        {
            return new Refusal(ErrorCatalogue.Conflict, $"Key group {product.KeyGroup} of {product.Id} has no serials left: ask the publisher.");
        }

        var purchaseId = Guid.NewGuid();
        var now = time.GetUtcNow();
        var orders = new List<OrderResponse>(parts.Count);
        var partials = new List<string>();
        foreach (var part in parts)
        {
            var order = new Order { Id = Guid.NewGuid(), BillingAccountId = accountId, ProductId = product.Id, Quantity = part, PurchaseId = purchaseId, PlacedByUserId = userId, PlacedAt = now };
            var package = new KeyPackage { Id = Guid.NewGuid(), OrderId = order.Id, ProductId = product.Id, InstalledQuantity = isCal ? packSize : part };
            db.Orders.Add(order);
            db.KeyPackages.Add(package);
            var keys = new List<PackageKeyResponse>(yields.Count);
            foreach (var type in yields)
            {
                var key = NewKey(order, package, product, type, serial++, part);
                db.Keys.Add(key);
                partials.Add(key.PartialKey);
                keys.Add(new PackageKeyResponse(key.Id, key.Type, key.ActivationLimit));
                ServiceMetrics.KeysIssued.Add(1, new KeyValuePair<string, object?>("type", type.ToString()));
            }

            orders.Add(new OrderResponse(order.Id, accountId, product.Id, part, purchaseId, now, [new KeyPackageResponse(package.Id, package.InstalledQuantity, keys)]));
        }

        await audit.AppendAsync(actor, "order.placed", $"billing-account:{accountId}",
            $"purchase {purchaseId}: {product.Id} x{quantity} in {parts.Count} order(s); keys {AuditText.Partials(partials, partials.Count)}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        ServiceMetrics.OrdersPlaced.Add(parts.Count);
        OrderLog.Placed(logger, actor, purchaseId, product.Id, quantity, parts.Count, accountId);
        return new PurchaseResponse(purchaseId, product.Id, quantity, orders);
    }

    private IssuedKey NewKey(Order order, KeyPackage package, Product product, KeyType type, int serial, int quantity) => new()
    {
        Id = Guid.NewGuid(),
        BillingAccountId = order.BillingAccountId,
        OrderId = order.Id,
        KeyPackageId = package.Id,
        ProductId = product.Id,
        Type = type,
        KeyGroup = product.KeyGroup,
        Serial = serial,
        ActivationLimit = type == KeyType.KmsHost ? options.Value.KmsHostLimit
            : product.Category == ProductCategory.Cal ? options.Value.CalServerLimit
            : Headroom.MakLimit(product, quantity),
        ActivationsUsed = 0,
        Status = KeyStatus.Active,
        SecretVersion = secrets.CurrentVersion,
        PartialKey = ProductKey.Derive(type, product.KeyGroup, serial, secrets.GroupSecret(product.KeyGroup, secrets.CurrentVersion)).PartialKey,
    };

    /// <summary>1200 in packs of 500 → 500, 500, 200.</summary>
    internal static List<int> Split(int quantity, int packSize)
    {
        var parts = new List<int>();
        for (var left = quantity; left > 0; left -= packSize)
        {
            parts.Add(Math.Min(left, packSize));
        }

        return parts;
    }
}
