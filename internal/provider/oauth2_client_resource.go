package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute

	// planCheckBudget bounds the list call a plan makes only to warn, retries
	// included: a warning must never hold a plan hostage.
	planCheckBudget = 5 * time.Second

	// privateImported marks a state that import has just created, so the read
	// that follows can warn that a confidential client has no secret in state.
	privateImported = "imported"
	// privateSecretMissing marks a client whose create answer was lost and
	// whose secret could not be obtained: nobody holds its secret, so the next
	// plan rotates it.
	privateSecretMissing = "secret_missing"
	// privateRevokeRequested marks a client whose revoke was refused for want
	// of a revoke endpoint, after the user was asked to revoke it in the
	// dashboard: its absence from the list is that revocation.
	privateRevokeRequested = "revoke_requested"
)

var (
	_ resource.Resource                   = (*oauth2ClientResource)(nil)
	_ resource.ResourceWithConfigure      = (*oauth2ClientResource)(nil)
	_ resource.ResourceWithValidateConfig = (*oauth2ClientResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*oauth2ClientResource)(nil)
	_ resource.ResourceWithImportState    = (*oauth2ClientResource)(nil)
	_ resource.ResourceWithIdentity       = (*oauth2ClientResource)(nil)
)

// NewOAuth2ClientResource returns the flexslot_oauth2_client resource.
func NewOAuth2ClientResource() resource.Resource { return &oauth2ClientResource{} }

type oauth2ClientResource struct {
	data *providerData
}

func (r *oauth2ClientResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_client"
}

func (r *oauth2ClientResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := func() []planmodifier.String { return []planmodifier.String{stringplanmodifier.UseStateForUnknown()} }
	consentURL := func(description string) schema.StringAttribute {
		return schema.StringAttribute{
			Description: description + " Shown to users on the consent screen. An absolute URI, or empty " +
				"(the default) for none; one that is not https gets a warning.",
			Optional:   true,
			Computed:   true,
			Default:    stringdefault.StaticString(""),
			Validators: []validator.String{consentURLRule()},
		}
	}
	defaultGrantTypes := make([]attr.Value, 0, len(rules.DefaultGrantTypes()))
	for _, g := range rules.DefaultGrantTypes() {
		defaultGrantTypes = append(defaultGrantTypes, types.StringValue(g))
	}

	resp.Schema = schema.Schema{
		Description: "An OAuth2 client of your Flexslot partner application. Destroying or replacing it revokes the client " +
			"and signs out every user who authorized it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The same value as `client_id`.",
				Computed:      true,
				PlanModifiers: keep(),
			},
			"client_id": schema.StringAttribute{
				Description:   "The client identifier, an opaque string such as `cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y`. Stable across updates and secret rotations.",
				Computed:      true,
				PlanModifiers: keep(),
			},
			"application_name": schema.StringAttribute{
				Description: fmt.Sprintf("Name shown to users on the consent screen: %d to %d characters.",
					rules.ApplicationNameMinLength, rules.ApplicationNameMaxLength),
				Required:   true,
				Validators: []validator.String{applicationNameRule()},
			},
			"client_type": schema.StringAttribute{
				Description: fmt.Sprintf("`%s` (a server you control; gets a secret) or `%s` (CLI, native app or SPA; "+
					"no secret, PKCE only). Changing it replaces the client.", rules.ClientTypeConfidential, rules.ClientTypePublic),
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(rules.ClientTypes()...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"redirect_uris": schema.SetAttribute{
				Description: fmt.Sprintf("Redirect URIs, matched byte for byte at /authorize; each at most %d characters. "+
					"HTTPS is required except for the loopback hosts %s; no wildcards, fragments or custom schemes.",
					rules.RedirectURIMaxLength, codeList("and", rules.LoopbackHosts()...)),
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(redirectURIRule())},
			},
			"allowed_scopes": schema.SetAttribute{
				Description: fmt.Sprintf("Scopes the client may request, such as `decks:read`, each at most %d characters. "+
					"Flexslot publishes the catalog %s; a scope outside it gets a warning, since Flexslot can grant "+
					"partners more.", rules.ScopeMaxLength, codeList("and", rules.ScopeCatalog()...)),
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(scopeRule())},
			},
			"grant_types": schema.SetAttribute{
				Description: fmt.Sprintf("Grant types the client may use: %s. Defaults to both, as Flexslot does. A set "+
					"without `%s`, the only grant users can sign in with, gets a warning.",
					codeList("and", rules.GrantTypes()...), rules.GrantTypeAuthorizationCode),
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, defaultGrantTypes)),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(grantTypeRule())},
			},
			"application_url":      consentURL("The application's home page."),
			"application_logo_url": consentURL("The application's logo."),
			"privacy_policy_url":   consentURL("The application's privacy policy."),
			"tos_url":              consentURL("The application's terms of service."),
			"require_pkce": schema.BoolAttribute{
				Description:   "Whether the client must use PKCE; always true at Flexslot today.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"dpop_bound_access_tokens": schema.BoolAttribute{
				Description:   "Whether access tokens issued to the client are DPoP-bound. Set in Flexslot's partner admin.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"rotation_triggers": schema.MapAttribute{
				Description: "Arbitrary values. When the map is not empty and differs from the last apply (setting it " +
					"included), the client secret is rotated in place, keeping the client_id. Removing it or setting it to " +
					"`{}` stops scheduled rotation without rotating. Confidential clients only.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"secret_recipients": schema.SetAttribute{
				Description: "age recipients (`age1...`) and SSH public keys (`ssh-ed25519 ...`, `ssh-rsa ...`) to encrypt " +
					"the client secret to. When set, the plaintext secret is never written to state or plan: " +
					"`client_secret` is null and `client_secret_encrypted` holds the secret encrypted to every recipient. " +
					"Any change to it (turning it on or off included) rotates the secret; white space around a recipient " +
					"(as file() keeps it) and an SSH key's comment are not part of the key, so changing them alone does " +
					"not. A private key given by mistake is refused without being shown. Confidential clients only.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(secretRecipientRule())},
			},
			"rotate_when_stale": schema.BoolAttribute{
				Description: "When true, a plan rotates the secret whenever `secret_current` is false (rotated outside " +
					"Terraform, or never held, as after import), so the apply puts a working secret in state. Defaults " +
					"to false, since a rotation in the dashboard may be deliberate.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"rotation_period": schema.StringAttribute{
				Description: "How long a secret may live, such as `\"90d\"` or `\"2160h\"`. A plan rotates the secret in " +
					"place, with a warning, once Flexslot's `secret_rotated_at` is that old at the refresh before it, so " +
					"the period restarts after any rotation, in the dashboard included. Confidential clients only.",
				Optional:   true,
				Validators: []validator.String{rotationPeriodRule()},
			},
			"deletion_protection": schema.BoolAttribute{
				Description: "When true in state, nothing revokes the client: destroy, removal from the configuration, " +
					"a client_type change, `-replace` and `replace_triggered_by` all fail, at plan where the plan shows " +
					"the revocation and otherwise at apply before any call to Flexslot. Defaults to false.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"client_secret": schema.StringAttribute{
				Description: "The client secret, shown by Flexslot only once, when it is issued. Null for public clients, " +
					"after import, and while `secret_recipients` is set (see `client_secret_encrypted`).",
				Computed:  true,
				Sensitive: true,
			},
			"client_secret_encrypted": schema.StringAttribute{
				Description: "With `secret_recipients` set: the client secret, ASCII-armored age ciphertext encrypted to " +
					"every recipient; decrypt it with `age -d -i key.txt`. Null otherwise.",
				Computed: true,
			},
			"secret_rotated_at": schema.StringAttribute{
				Description: "When the secret held in state was issued (RFC 3339).",
				Computed:    true,
			},
			"secret_current": schema.BoolAttribute{
				Description: "Whether state holds the client's current secret: false after a rotation outside Terraform " +
					"(such as in the dashboard) and when state holds no secret (after import). Null for public clients. " +
					"Use it in a check block or postcondition to catch a stale secret in CI.",
				Computed: true,
			},
			"secret_version": schema.Int64Attribute{
				Description: "Counts the secrets state has held: 1 after create, and one more with each rotation this " +
					"provider makes (`rotation_triggers`, `rotate_when_stale`, `rotation_period`, a change of " +
					"`secret_recipients`). Plans and refreshes that rotate nothing leave it alone, and it is known at plan. " +
					"Pass it to a consumer's write-only version argument (such as `data_json_wo_version`) so the consumer " +
					"takes the secret again exactly when it changes. 0 after import, since state holds no secret until the " +
					"first rotation; 1 for a state written by an earlier version of this provider that holds a secret. " +
					"Null for public clients. A replaced client is a new client and starts again at 1.",
				Computed: true,
			},
			"status": schema.StringAttribute{
				Description:   fmt.Sprintf("`%s`, or `%s` when Flexslot has suspended the client.", rules.StatusActive, rules.StatusSuspended),
				Computed:      true,
				PlanModifiers: keep(),
			},
			"created_at": schema.StringAttribute{
				Description:   "When the client was created (RFC 3339).",
				Computed:      true,
				PlanModifiers: keep(),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *oauth2ClientResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"client_id": identityschema.StringAttribute{
				Description:       "The client identifier, such as `cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y`.",
				RequiredForImport: true,
			},
		},
	}
}

func (r *oauth2ClientResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *oauth2ClientResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config oauth2ClientModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.isPublic() {
		if !config.RotationTriggers.IsNull() {
			resp.Diagnostics.Append(publicClientSecretSettingDiagnostic("rotation_triggers"))
		}
		if config.sealsSecret() {
			resp.Diagnostics.Append(publicClientSecretSettingDiagnostic("secret_recipients"))
		}
		if config.RotateWhenStale.ValueBool() {
			resp.Diagnostics.Append(publicClientSecretSettingDiagnostic("rotate_when_stale"))
		}
		if !config.RotationPeriod.IsNull() {
			resp.Diagnostics.Append(publicClientSecretSettingDiagnostic("rotation_period"))
		}
	}
	resp.Diagnostics.Append(grantTypesWarnings(config.GrantTypes)...)
	for field, v := range map[string]types.String{
		rules.FieldApplicationURL: config.ApplicationURL, rules.FieldApplicationLogoURL: config.ApplicationLogoURL,
		rules.FieldPrivacyPolicyURL: config.PrivacyPolicyURL, rules.FieldTosURL: config.TosURL,
	} {
		if v.IsNull() || v.IsUnknown() {
			continue
		}
		for _, w := range rules.ConsentURLWarnings(v.ValueString()) {
			resp.Diagnostics.Append(consentURLWarning(path.Root(field), v.ValueString(), w))
		}
	}
}

// grantTypesWarnings warns about a known grant_types set without
// authorization_code: the OAuth guide calls it "the only user-facing grant
// Flexslot supports", so such a client cannot sign a user in.
func grantTypesWarnings(grantTypes types.Set) diag.Diagnostics {
	var diags diag.Diagnostics
	if grantTypes.IsNull() || grantTypes.IsUnknown() {
		return diags
	}
	var names []string
	for _, v := range grantTypes.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			return diags
		}
		names = append(names, s.ValueString())
	}
	if !slices.Contains(names, rules.GrantTypeAuthorizationCode) {
		diags.Append(noAuthorizationCodeWarning(names))
	}
	return diags
}

func (r *oauth2ClientResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state oauth2ClientModel
		resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
		if state.DeletionProtection.ValueBool() {
			resp.Diagnostics.Append(deletionProtectedDiagnostic(state.ClientID.ValueString(), "destroy"))
		}
		return
	}

	var plan oauth2ClientModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if req.State.Raw.IsNull() {
		switch {
		case plan.isPublic():
			plan.ClientSecret, plan.ClientSecretEncrypted = types.StringNull(), types.StringNull()
			plan.SecretRotatedAt, plan.SecretCurrent, plan.SecretVersion = types.StringNull(), types.BoolNull(), types.Int64Null()
		case plan.ClientType.IsUnknown():
			plan.planIssuedSecret()
			plan.SecretVersion = types.Int64Unknown()
		default:
			plan.planIssuedSecret()
			plan.SecretVersion = types.Int64Value(1)
			// A create whose answer is lost may end with the client but no secret.
			plan.SecretCurrent = types.BoolUnknown()
		}
		resp.Diagnostics.Append(setModel(ctx, &resp.Plan.Raw, &plan)...)
		if r.data != nil && !r.data.applying.Load() {
			r.data.startCreateChecks(ctx)
		}
		resp.Diagnostics.Append(r.checkBeforeCreate(ctx, plan)...)
		resp.Diagnostics.Append(r.checkPartner(ctx, plan.AllowedScopes, true, true, true)...)
		return
	}

	var state oauth2ClientModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data != nil {
		// Without a refresh (-refresh=false) this is the only sign that the
		// client belongs to this configuration.
		r.data.client.Claim(state.ClientID.ValueString())
	}

	if !plan.ClientType.Equal(state.ClientType) {
		// client_type is immutable: this plan replaces the client. The
		// configuration protects too: after an import, state starts at false.
		if state.DeletionProtection.ValueBool() || plan.DeletionProtection.ValueBool() {
			resp.Diagnostics.Append(deletionProtectedDiagnostic(state.ClientID.ValueString(), "replace"))
			return
		}
		resp.Diagnostics.Append(replacementRevokesDiagnostic(state.ClientID.ValueString()))
		return
	}

	rotate, why, diags := rotationPlanned(ctx, state, plan, req.Private)
	resp.Diagnostics.Append(diags...)
	if rotate {
		plan.planIssuedSecret()
		plan.SecretVersion = nextSecretVersion(state)
		resp.Diagnostics.Append(rotationWarning(state.ClientID.ValueString(), why, plan.sealsSecret()))
	} else {
		plan.ClientSecret, plan.ClientSecretEncrypted = state.ClientSecret, state.ClientSecretEncrypted
		plan.SecretRotatedAt, plan.SecretCurrent, plan.SecretVersion = state.SecretRotatedAt, state.SecretCurrent, state.SecretVersion
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(r.checkPartner(ctx, plan.AllowedScopes, false, !plan.AllowedScopes.Equal(state.AllowedScopes),
		!resp.Plan.Raw.Equal(req.State.Raw))...)
}

// checkPartner runs the plan-time checks that need the partner row or the
// token's metadata, only when the plan creates the client or changes it
// (changes), and never once this process is applying. The token's expiry is
// checked for any such plan; the partner row is read for a create (the
// partner's status) and for a change of allowed_scopes holding a scope
// outside the catalog. Without the row, each such scope warns as it always did.
func (r *oauth2ClientResource) checkPartner(ctx context.Context, scopes types.Set, creating, scopesChanged, changes bool) diag.Diagnostics {
	nonCatalog := nonCatalogScopes(scopes)
	if r.data == nil || r.data.applying.Load() || !changes {
		return scopeDiagnostics(nonCatalog, nil)
	}
	diags := r.data.checkTokenAtPlan(ctx)
	if !creating && (!scopesChanged || len(nonCatalog) == 0) {
		return append(diags, scopeDiagnostics(nonCatalog, nil)...)
	}
	partner, d := r.data.partnerForPlan(ctx)
	diags.Append(d...)
	if creating && partner != nil && partner.Status != "" && partner.Status != rules.StatusActive {
		diags.Append(partnerNotActiveDiagnostic(partner.Status))
	}
	return append(diags, scopeDiagnostics(nonCatalog, partner)...)
}

// planIssuedSecret marks the values a create or rotation of a confidential
// client issues: the secret, in the one form secret_recipients asks for. While
// the client type or the recipients are unknown, so is that form.
func (m *oauth2ClientModel) planIssuedSecret() {
	m.SecretRotatedAt = types.StringUnknown()
	if m.ClientType.IsUnknown() {
		m.ClientSecret, m.ClientSecretEncrypted, m.SecretCurrent = types.StringUnknown(), types.StringUnknown(), types.BoolUnknown()
		return
	}
	m.ClientSecret, m.ClientSecretEncrypted, m.SecretCurrent = plannedSecretForms(m.SecretRecipients)
}

// checkBeforeCreate lists the partner's clients once within a short budget to
// warn before a create: when the partner is at the client limit, and when a
// client this plan would duplicate already exists. A refused token fails the
// plan, since the apply would fail the same way; any other failure only warns.
func (r *oauth2ClientResource) checkBeforeCreate(ctx context.Context, plan oauth2ClientModel) diag.Diagnostics {
	var diags diag.Diagnostics
	// Once this process has written, it is applying: the plan showed these
	// warnings, and a list now would only make each later create wait for it.
	if r.data == nil || r.data.applying.Load() {
		return diags
	}
	ctx, cancel := context.WithTimeout(ctx, planCheckBudget)
	defer cancel()
	// A create of this apply may start while this plan runs: from then on the
	// check lists no more.
	clients, err := r.data.client.OAuth2Clients.ListBeforeWrites(ctx)
	switch {
	case errors.Is(err, flexslot.ErrWriteStarted):
		return diags
	case flexslot.IsUnauthorized(err) || flexslot.IsForbidden(err):
		r.data.refusedReported.Store(true)
		return append(diags, tokenRefusedAtPlanDiagnostic("Listing the partner's clients before creating one", err))
	case err != nil:
		if r.data.listWarned.CompareAndSwap(false, true) {
			diags.Append(planCheckSkippedWarning(err))
		}
		return diags
	}
	live := liveClients(clients)
	if len(live) >= rules.MaxClients && r.data.limitWarned.CompareAndSwap(false, true) {
		diags.Append(clientLimitWarning(live))
	}
	for _, c := range live {
		// A client in this configuration's state is no lookalike; its refresh
		// may arrive just after this plan.
		if sameClient(ctx, plan, c) && !r.data.client.AwaitClaim(ctx, c.ClientID) {
			diags.Append(duplicateClientWarning(c))
		}
	}
	return diags
}

// liveClients returns the clients that count toward the limit, in order.
func liveClients(clients []flexslot.OAuth2Client) []flexslot.OAuth2Client {
	var live []flexslot.OAuth2Client
	for _, c := range clients {
		if rules.CountsTowardLimit(c.Status) {
			live = append(live, c)
		}
	}
	return live
}

// sameClient reports whether c has the application name, type and redirect
// URIs that plan would create; unknown planned values never match.
func sameClient(ctx context.Context, plan oauth2ClientModel, c flexslot.OAuth2Client) bool {
	if plan.ApplicationName.IsUnknown() || plan.ClientType.IsUnknown() || plan.RedirectURIs.IsUnknown() {
		return false
	}
	uris, diags := stringSlice(ctx, plan.RedirectURIs, nil)
	req := flexslot.CreateRequest{ApplicationName: plan.ApplicationName.ValueString(), ClientType: plan.ClientType.ValueString(), RedirectURIs: uris}
	return !diags.HasError() && req.MatchedBy(&c)
}

func (r *oauth2ClientResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oauth2ClientModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	createReq, diags := createRequestFromModel(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.data.applying.Store(true)
	issued, err := r.data.client.OAuth2Clients.Create(ctx, createReq)
	var lostSecret *flexslot.LostSecretError
	var ambiguous *flexslot.AmbiguousCreateError
	switch {
	case errors.As(err, &lostSecret):
		// The client exists without a secret anyone holds. An error would
		// taint it, and a protected tainted client can neither be replaced nor
		// kept by apply: keep it untainted, and let the next plan rotate it.
		issued = nil
	case errors.As(err, &ambiguous):
		resp.Diagnostics.Append(ambiguousCreateDiagnostic(ambiguous))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(opCreate, "", err))
		return
	}

	if issued == nil {
		resp.Diagnostics.Append(plan.fillUnknown(ctx, &lostSecret.Client)...)
		plan.ClientSecret, plan.ClientSecretEncrypted = types.StringNull(), types.StringNull()
		plan.SecretRotatedAt, plan.SecretCurrent = types.StringNull(), types.BoolValue(false)
		resp.Diagnostics.Append(lostSecretWarning(lostSecret.Client.ClientID, plan.sealsSecret(), lostSecret.Err))
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSecretMissing, []byte("true"))...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, lostSecret.Client.ClientID)...)
		return
	}
	resp.Diagnostics.Append(plan.fillUnknown(ctx, &issued.Client)...)
	resp.Diagnostics.Append(plan.setIssuedSecret(ctx, issued)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, &plan)...)
	resp.Diagnostics.Append(setSecretIssuedAt(ctx, resp.Private, issued.Client.SecretRotatedAt, time.Now())...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, issued.Client.ClientID)...)
}

func (r *oauth2ClientResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oauth2ClientModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	clientID := state.ClientID.ValueString()
	client, err := r.data.client.OAuth2Clients.Get(ctx, clientID)
	var notFound *flexslot.NotFoundError
	if errors.As(err, &notFound) {
		// Only a list that shows the client revoked, or that holds this
		// configuration's other clients, tells a revocation from a token of
		// another partner; a protected client needs the former. An import of
		// a missing ID, or a client the provider asked the user to revoke in
		// the dashboard, expects the absence.
		expected, diags := expectedAbsence(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		if !notFound.Revoked && !expected && (!notFound.Corroborated || state.DeletionProtection.ValueBool()) {
			resp.Diagnostics.Append(clientNotListedDiagnostic(clientID, r.tokenOwner(ctx), notFound.Corroborated))
			return
		}
		resp.Diagnostics.Append(clientGoneWarning(clientID))
		resp.State.RemoveResource(ctx)
		// The framework requires an identity even for a removed resource.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(opRead, clientID, err))
		return
	}

	if client.Status == rules.StatusSuspended {
		resp.Diagnostics.Append(clientSuspendedWarning(clientID))
	}
	if secretIsStale(state, client) {
		resp.Diagnostics.Append(staleSecretWarning(clientID, *client.SecretRotatedAt, state.sealsSecret()))
	}
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	if imported != nil {
		if client.ClientType == rules.ClientTypeConfidential {
			resp.Diagnostics.Append(importedWithoutSecretWarning(clientID, state.sealsSecret()))
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
	if state.DeletionProtection.IsNull() {
		state.DeletionProtection = types.BoolValue(false)
	}
	if state.RotateWhenStale.IsNull() {
		state.RotateWhenStale = types.BoolValue(false)
	}
	state.SecretCurrent = secretCurrent(state, client)
	resp.Diagnostics.Append(state.setClient(ctx, client)...)
	if state.SecretVersion.IsNull() {
		state.SecretVersion = initialSecretVersion(state)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, &state)...)
	resp.Diagnostics.Append(refreshSecretIssuedAt(ctx, resp.Private, client.SecretRotatedAt, time.Now(), state.RotationPeriod)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
}

func (r *oauth2ClientResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state oauth2ClientModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	clientID := state.ClientID.ValueString()
	r.data.applying.Store(true)
	// Until every call succeeded, the state written is the prior state plus
	// each change already made, so a new secret is never lost.
	partial := state
	partial.DeletionProtection = plan.DeletionProtection
	partial.Timeouts = plan.Timeouts
	result := &partial
	defer func() {
		resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, result)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
	}()

	var answer *flexslot.OAuth2Client
	// The plan decided whether to rotate: it counted the new secret.
	if !plan.SecretVersion.Equal(state.SecretVersion) {
		issued, err := r.data.client.OAuth2Clients.RotateSecret(ctx, clientID)
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic(opRotate, clientID, err))
			return
		}
		partial.SecretRecipients = plan.SecretRecipients
		resp.Diagnostics.Append(plan.setIssuedSecret(ctx, issued)...)
		partial.ClientSecret, partial.ClientSecretEncrypted = plan.ClientSecret, plan.ClientSecretEncrypted
		partial.SecretRotatedAt, partial.SecretCurrent = plan.SecretRotatedAt, plan.SecretCurrent
		partial.SecretVersion = plan.SecretVersion
		resp.Diagnostics.Append(setSecretIssuedAt(ctx, resp.Private, issued.Client.SecretRotatedAt, time.Now())...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSecretMissing, nil)...)
		if resp.Diagnostics.HasError() {
			return
		}
		answer = &issued.Client
	}
	partial.RotationTriggers = plan.RotationTriggers
	partial.RotateWhenStale = plan.RotateWhenStale
	partial.RotationPeriod = plan.RotationPeriod

	updateReq, fields, diags := updateRequestFromModels(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(fields) > 0 {
		client, err := r.data.client.OAuth2Clients.Update(ctx, clientID, updateReq)
		var notApplied *flexslot.UpdateNotAppliedError
		switch {
		case errors.As(err, &notApplied):
			// State keeps what Flexslot reported, so the next plan shows the difference again.
			resp.Diagnostics.Append(partial.setClient(ctx, client)...)
			resp.Diagnostics.Append(updateNotAppliedDiagnostic(notApplied))
			return
		case errors.Is(err, flexslot.ErrUpdateUnsupported):
			resp.Diagnostics.Append(updateUnsupportedDiagnostic(clientID, fields, answer != nil, err))
			return
		case err != nil:
			resp.Diagnostics.Append(apiErrorDiagnostic(opUpdate, clientID, err))
			return
		}
		answer = client
	}
	if answer != nil {
		resp.Diagnostics.Append(plan.fillUnknown(ctx, answer)...)
	}
	result = &plan
}

func (r *oauth2ClientResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oauth2ClientModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	clientID := state.ClientID.ValueString()
	// The last line of defence: -replace and replace_triggered_by reach Delete
	// without a plan that shows the revocation.
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.Append(deletionProtectedDiagnostic(clientID, "revoke"))
		return
	}
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	r.data.applying.Store(true)
	err := r.data.client.OAuth2Clients.Revoke(ctx, clientID)
	switch {
	case errors.Is(err, flexslot.ErrRevokeUnsupported):
		// State keeps the client: the next refresh finds it gone once it is
		// revoked in the dashboard, and the same command then completes. The
		// mark tells that refresh the absence is the revocation asked for.
		resp.Diagnostics.Append(revokeUnsupportedDiagnostic(clientID, err))
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateRevokeRequested, []byte("true"))...)
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(opRevoke, clientID, err))
	}
}

func (r *oauth2ClientResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	clientID := req.ID
	attrPath := path.Root("client_id")
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		var identity oauth2ClientIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		clientID = identity.ClientID.ValueString()
	}
	if err := parseClientID(clientID); err != nil {
		resp.Diagnostics.Append(invalidImportIDDiagnostic(err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, attrPath, clientID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), clientID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("rotate_when_stale"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
}

// tokenOwner names the token and, when the partner row can be read within
// the plan-check budget, the partner it belongs to; never the token itself.
func (r *oauth2ClientResource) tokenOwner(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, planCheckBudget)
	defer cancel()
	label := r.data.client.TokenLabel()
	if p, err := r.data.client.Partner.Get(ctx); err == nil && p.Slug != "" {
		return fmt.Sprintf("%s, which belongs to the partner %q", label, p.Slug)
	}
	return label
}

// expectedAbsence reports whether a client's absence from the list was
// expected: it is being imported, or its revoke was asked of the user.
func expectedAbsence(ctx context.Context, private privateState) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	for _, key := range []string{privateImported, privateRevokeRequested} {
		v, d := private.GetKey(ctx, key)
		diags.Append(d...)
		if v != nil {
			return true, diags
		}
	}
	return false, diags
}

// withTimeout bounds an operation, and with it every retry, by its configured timeout.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), fallback time.Duration) (context.Context, context.CancelFunc, diag.Diagnostics) {
	d, diags := timeout(ctx, fallback)
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, diags
}
