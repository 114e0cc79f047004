using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.AdminApi.Activations;
using ProductKeys.AdminApi.Audit;
using ProductKeys.AdminApi.Catalog;
using ProductKeys.AdminApi.Identity;
using ProductKeys.AdminApi.Keys;
using ProductKeys.AdminApi.Orders;
using ProductKeys.AdminApi.Usage;
using ProductKeys.Core.Contracts;

namespace ProductKeys.AdminApi;

/// <summary>
/// The admin API's JSON as the service speaks it (camelCase, enum names, numbers only as numbers),
/// generated at build time. pk reads and writes every admin record through it; the service puts it
/// first in its resolver chain.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(List<SessionInfo>))]
[JsonSerializable(typeof(PasswordRequest))]
[JsonSerializable(typeof(UserStatusResponse))]
[JsonSerializable(typeof(KmsHostActivationRequest))]
[JsonSerializable(typeof(KmsHostActivationResponse))]
[JsonSerializable(typeof(CalPackActivationRequest))]
[JsonSerializable(typeof(CalPackActivationResponse))]
[JsonSerializable(typeof(ProductRequest))]
[JsonSerializable(typeof(ProductResponse))]
[JsonSerializable(typeof(List<ProductResponse>))]
[JsonSerializable(typeof(BillingAccountResponse))]
[JsonSerializable(typeof(List<BillingAccountResponse>))]
[JsonSerializable(typeof(OrganizationRequest))]
[JsonSerializable(typeof(OrganizationResponse))]
[JsonSerializable(typeof(List<OrganizationResponse>))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(AccountRequest))]
[JsonSerializable(typeof(ProfileRequest))]
[JsonSerializable(typeof(ProfileResponse))]
[JsonSerializable(typeof(List<ProfileResponse>))]
[JsonSerializable(typeof(ProfileRoleRequest))]
[JsonSerializable(typeof(RoleRequest))]
[JsonSerializable(typeof(RoleResponse))]
[JsonSerializable(typeof(List<RoleResponse>))]
[JsonSerializable(typeof(OrderRequest))]
[JsonSerializable(typeof(PurchaseResponse))]
[JsonSerializable(typeof(List<OrderResponse>))]
[JsonSerializable(typeof(List<KeyRow>))]
[JsonSerializable(typeof(KeyMetadata))]
[JsonSerializable(typeof(List<KeyMetadata>))]
[JsonSerializable(typeof(LimitRequest))]
[JsonSerializable(typeof(LookupRequest))]
[JsonSerializable(typeof(List<AuditEntryResponse>))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(OfflineActivationBatch))]
[JsonSerializable(typeof(OfflineActivationResults))]
[JsonSerializable(typeof(PublisherKeysResponse))]
[JsonSerializable(typeof(UsageReportUpload))]
[JsonSerializable(typeof(UsageReportResponse))]
[JsonSerializable(typeof(List<UsageReportResponse>))]
[JsonSerializable(typeof(List<UsageLineResponse>))]
public sealed partial class AdminApiJsonContext : JsonSerializerContext;
