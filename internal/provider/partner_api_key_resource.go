package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

var (
	_ resource.Resource                = (*partnerAPIKeyResource)(nil)
	_ resource.ResourceWithConfigure   = (*partnerAPIKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*partnerAPIKeyResource)(nil)
	_ resource.ResourceWithImportState = (*partnerAPIKeyResource)(nil)
)

// privateImportID marks a state that import has just created, with the ID
// it was imported by, for the read that follows to check against the partner row.
const privateImportID = "import_id"

// NewPartnerAPIKeyResource returns the flexslot_partner_api_key resource.
func NewPartnerAPIKeyResource() resource.Resource { return &partnerAPIKeyResource{} }

type partnerAPIKeyResource struct {
	data *providerData
}

type partnerAPIKeyModel struct {
	ID               types.String   `tfsdk:"id"`
	APIKeyPrefix     types.String   `tfsdk:"api_key_prefix"`
	PlaintextAPIKey  types.String   `tfsdk:"plaintext_api_key"`
	APIKeyEncrypted  types.String   `tfsdk:"api_key_encrypted"`
	RotationTriggers types.Map      `tfsdk:"rotation_triggers"`
	SecretRecipients types.Set      `tfsdk:"secret_recipients"`
	RotateWhenStale  types.Bool     `tfsdk:"rotate_when_stale"`
	RotationPeriod   types.String   `tfsdk:"rotation_period"`
	RotatedAt        types.String   `tfsdk:"rotated_at"`
	KeyCurrent       types.Bool     `tfsdk:"key_current"`
	KeyVersion       types.Int64    `tfsdk:"key_version"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// holdsKey reports whether state holds the key in either form.
func (m *partnerAPIKeyModel) holdsKey() bool {
	return !m.PlaintextAPIKey.IsNull() || !m.APIKeyEncrypted.IsNull()
}

// initialKeyVersion is key_version for a state that has none yet, after
// import or from an earlier version of the provider: 1 when state holds a
// key, 0 when it holds none.
func (m *partnerAPIKeyModel) initialKeyVersion() types.Int64 {
	if m.holdsKey() {
		return types.Int64Value(1)
	}
	return types.Int64Value(0)
}

// knownKeyVersion is key_version as state holds it, or its initial value.
func (m *partnerAPIKeyModel) knownKeyVersion() types.Int64 {
	if m.KeyVersion.IsNull() || m.KeyVersion.IsUnknown() {
		return m.initialKeyVersion()
	}
	return m.KeyVersion
}

func (r *partnerAPIKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_api_key"
}

func (r *partnerAPIKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "The partner API key of your Flexslot partner (`POST /me/partner/rotate-api-key`). Creating this " +
			"resource generates a new key and stops the current one; Flexslot shows the key only once, so it is kept " +
			"in state (sensitive) or, with `secret_recipients`, only encrypted. Destroying it calls nothing: Flexslot " +
			"publishes no way to revoke the key, which stays valid.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The partner's id, from the partner row.",
				Computed:      true,
				PlanModifiers: keep,
			},
			"api_key_prefix": schema.StringAttribute{
				Description: "The first 12 characters of the key state holds, as Flexslot shows them in logs and in the " +
					"partner row. After import, those of the partner's current key.",
				Computed: true,
			},
			"plaintext_api_key": schema.StringAttribute{
				Description: "The partner API key, shown by Flexslot only once, when it is issued. Null after import " +
					"and while `secret_recipients` is set (see `api_key_encrypted`).",
				Computed:  true,
				Sensitive: true,
			},
			"api_key_encrypted": schema.StringAttribute{
				Description: "With `secret_recipients` set: the key, ASCII-armored age ciphertext encrypted to every " +
					"recipient; decrypt it with `age -d -i key.txt`. Null otherwise.",
				Computed: true,
			},
			"rotation_triggers": schema.MapAttribute{
				Description: "Arbitrary values. When the map is not empty and differs from the last apply, the key is " +
					"rotated: a new key is issued and the current one stops working. Removing it or setting it to `{}` " +
					"stops scheduled rotation without rotating.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"secret_recipients": schema.SetAttribute{
				Description: "age recipients (`age1...`) and SSH public keys (`ssh-ed25519 ...`, `ssh-rsa ...`) to " +
					"encrypt the key to. When set, the plaintext key is never written to state or plan: " +
					"`plaintext_api_key` is null and `api_key_encrypted` holds the key encrypted to every recipient. Any " +
					"change to it (turning it on or off included) rotates the key.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(secretRecipientRule())},
			},
			"rotate_when_stale": schema.BoolAttribute{
				Description: "When true, a plan rotates the key whenever `key_current` is false (rotated outside " +
					"Terraform, or never held, as after import). Defaults to false.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"rotation_period": schema.StringAttribute{
				Description: "How long a key may live, such as `\"90d\"` or `\"2160h\"`, counted from `rotated_at`. A " +
					"plan rotates the key, with a warning, once it is that old.",
				Optional:   true,
				Validators: []validator.String{rotationPeriodRule()},
			},
			"rotated_at": schema.StringAttribute{
				Description: "When this provider had Flexslot issue the key state holds (RFC 3339); the answer " +
					"carries no time of its own. Null after import.",
				Computed: true,
			},
			"key_version": schema.Int64Attribute{
				Description: "Counts the keys state has held: 1 after create, and one more with each rotation this " +
					"provider makes. Plans and refreshes that rotate nothing leave it alone, and it is known at plan. " +
					"Pass it to a consumer's write-only version argument so the consumer takes the key again exactly " +
					"when it changes. 0 after import, since state holds no key until the first rotation; 1 for a state " +
					"written by an earlier version of this provider that holds a key.",
				Computed: true,
			},
			"key_current": schema.BoolAttribute{
				Description: "Whether state holds the partner's current key: false once the partner row's " +
					"`api_key_prefix` no longer matches (the key was rotated outside Terraform), and when state holds no " +
					"key (after import).",
				Computed: true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true}),
		},
	}
}

func (r *partnerAPIKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *partnerAPIKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state partnerAPIKeyModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		resp.Diagnostics.Append(apiKeyStaysValidWarning(state.APIKeyPrefix.ValueString()))
		return
	}
	var plan partnerAPIKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if req.State.Raw.IsNull() {
		plan.planIssuedKey()
		plan.KeyVersion = types.Int64Value(1)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		resp.Diagnostics.Append(apiKeyCreateWarning(r.currentPrefix(ctx), plan.sealsKey()))
		return
	}

	var state partnerAPIKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rotate, why := secretRotationReason(state.RotationTriggers, plan.RotationTriggers, state.SecretRecipients,
		plan.SecretRecipients, plan.RotateWhenStale, state.KeyCurrent, "key")
	if !rotate {
		rotate, why = periodElapsed(plan.RotationPeriod, parseTime(state.RotatedAt), time.Now(), "It was issued")
	}
	if rotate {
		plan.planIssuedKey()
		plan.KeyVersion = types.Int64Value(state.knownKeyVersion().ValueInt64() + 1)
		resp.Diagnostics.Append(apiKeyRotationWarning(state.APIKeyPrefix.ValueString(), why, plan.sealsKey()))
	} else {
		plan.APIKeyPrefix, plan.PlaintextAPIKey, plan.APIKeyEncrypted = state.APIKeyPrefix, state.PlaintextAPIKey, state.APIKeyEncrypted
		// A state from an earlier version has no key_version: the refresh sets it.
		plan.RotatedAt, plan.KeyCurrent, plan.KeyVersion = state.RotatedAt, state.KeyCurrent, state.KeyVersion
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planIssuedKey marks the values a create or rotation issues.
func (m *partnerAPIKeyModel) planIssuedKey() {
	m.APIKeyPrefix, m.RotatedAt = types.StringUnknown(), types.StringUnknown()
	m.PlaintextAPIKey, m.APIKeyEncrypted, m.KeyCurrent = plannedSecretForms(m.SecretRecipients)
}

func (m *partnerAPIKeyModel) sealsKey() bool { return sealsTo(m.SecretRecipients) }

// currentPrefix names the partner's current key for the create warning,
// from the partner row read once per process; "" when it cannot be read.
func (r *partnerAPIKeyResource) currentPrefix(ctx context.Context) string {
	if r.data == nil || r.data.applying.Load() {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, planCheckBudget)
	defer cancel()
	p, err := r.data.client.Partner.Get(ctx)
	if err != nil {
		return ""
	}
	return p.APIKeyPrefix
}

func (r *partnerAPIKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan partnerAPIKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	// The partner row first: if it cannot be read, nothing is rotated.
	partner, err := r.data.client.Partner.Get(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(opReadPartner, "", err))
		return
	}
	plan.ID = types.StringValue(partner.ID)
	r.data.applying.Store(true)
	issued, err := r.data.client.Partner.RotateAPIKey(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(opRotateAPIKey, "", err))
		return
	}
	resp.Diagnostics.Append(plan.setIssuedKey(ctx, issued, time.Now())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// setIssuedKey stores a key from rotate-api-key: in plaintext_api_key, or
// sealed to secret_recipients in api_key_encrypted so that the plaintext is
// never written. If sealing fails, no key is stored and the error says so.
func (m *partnerAPIKeyModel) setIssuedKey(ctx context.Context, issued *flexslot.IssuedAPIKey, now time.Time) diag.Diagnostics {
	m.APIKeyPrefix = types.StringValue(issued.APIKeyPrefix)
	m.RotatedAt = timeValue(&now)
	plain, sealed, diags, err := secretForms(ctx, issued.PlaintextAPIKey, m.SecretRecipients)
	if err != nil {
		diags.Append(apiKeySealingFailedDiagnostic(err))
	}
	m.PlaintextAPIKey, m.APIKeyEncrypted = plain, sealed
	m.KeyCurrent = types.BoolValue(!diags.HasError())
	return diags
}

func (r *partnerAPIKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state partnerAPIKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	partner, err := r.data.client.Partner.Get(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(opReadPartner, "", err))
		return
	}
	rawImportID, diags := req.Private.GetKey(ctx, privateImportID)
	resp.Diagnostics.Append(diags...)
	var id string
	if rawImportID != nil && json.Unmarshal(rawImportID, &id) == nil {
		if id != partner.ID && id != partner.Slug {
			resp.Diagnostics.Append(apiKeyImportIDDiagnostic(id, partner))
			return
		}
		// Import adopts the current key without rotating: state holds no key.
		state.APIKeyPrefix = types.StringValue(partner.APIKeyPrefix)
		resp.Diagnostics.Append(importedAPIKeyWarning(partner.APIKeyPrefix))
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportID, nil)...)
	}
	state.ID = types.StringValue(partner.ID)
	if state.RotateWhenStale.IsNull() {
		state.RotateWhenStale = types.BoolValue(false)
	}
	current := state.holdsKey() && state.APIKeyPrefix.ValueString() == partner.APIKeyPrefix
	if state.holdsKey() && !current {
		resp.Diagnostics.Append(staleAPIKeyWarning(state.APIKeyPrefix.ValueString(), partner.APIKeyPrefix))
	}
	state.KeyCurrent = types.BoolValue(current)
	state.KeyVersion = state.knownKeyVersion()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *partnerAPIKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state partnerAPIKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The plan decided whether to rotate: it left rotated_at unknown.
	if !plan.RotatedAt.IsUnknown() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	r.data.applying.Store(true)
	issued, err := r.data.client.Partner.RotateAPIKey(ctx)
	if err != nil {
		// Nothing changed that state must record: the prior state stays.
		resp.Diagnostics.Append(apiErrorDiagnostic(opRotateAPIKey, "", err))
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	resp.Diagnostics.Append(plan.setIssuedKey(ctx, issued, time.Now())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete calls nothing: Flexslot publishes no way to revoke a partner API key.
func (r *partnerAPIKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state partnerAPIKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(apiKeyStaysValidWarning(state.APIKeyPrefix.ValueString()))
}

func (r *partnerAPIKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid import ID",
			"The import ID is empty. Import the partner API key by the partner's id or slug, as the flexslot_partner "+
				"data source shows them.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("rotate_when_stale"), false)...)
	raw, _ := json.Marshal(req.ID)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportID, raw)...)
}

// parseTime reads an RFC 3339 attribute; nil when null or unreadable.
func parseTime(v types.String) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, v.ValueString())
	if err != nil {
		return nil
	}
	return &t
}
