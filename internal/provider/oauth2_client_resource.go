package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
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

type oauth2ClientModel struct {
	ClientID           types.String   `tfsdk:"client_id"`
	ApplicationName    types.String   `tfsdk:"application_name"`
	ClientType         types.String   `tfsdk:"client_type"`
	RedirectURIs       types.Set      `tfsdk:"redirect_uris"`
	AllowedScopes      types.Set      `tfsdk:"allowed_scopes"`
	RotationTriggers   types.Map      `tfsdk:"rotation_triggers"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	ClientSecret       types.String   `tfsdk:"client_secret"`
	SecretRotatedAt    types.String   `tfsdk:"secret_rotated_at"`
	Status             types.String   `tfsdk:"status"`
	CreatedAt          types.String   `tfsdk:"created_at"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

type oauth2ClientIdentityModel struct {
	ClientID types.String `tfsdk:"client_id"`
}

func (r *oauth2ClientResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_client"
}

func (r *oauth2ClientResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An OAuth2 client of your Flexslot partner application. Destroying or replacing it revokes the client " +
			"and signs out every user who authorized it.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Description:   "The client identifier (`flx_client_...`). Stable across updates and secret rotations.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"application_name": schema.StringAttribute{
				Description: "Name shown to users on the consent screen: 1 to 100 characters, no control characters.",
				Required:    true,
				Validators:  applicationNameValidators(),
			},
			"client_type": schema.StringAttribute{
				Description: "`confidential` (a server you control; gets a secret) or `public` (CLI, native app or SPA; " +
					"no secret, PKCE only). Changing it replaces the client.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(flexslot.ClientTypeConfidential, flexslot.ClientTypePublic)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"redirect_uris": schema.SetAttribute{
				Description: "1 to 20 redirect URIs, matched byte for byte at /authorize. HTTPS is required except for the " +
					"loopback hosts `localhost`, `127.0.0.1` and `[::1]`; no wildcards, fragments or custom schemes.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, 20),
					setvalidator.ValueStringsAre(redirectURIRule()),
				},
			},
			"allowed_scopes": schema.SetAttribute{
				Description: "1 to 50 scopes the client may request, such as `openid` or `decks:read`. Flexslot refuses " +
					"scopes outside your partner scope catalog.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, 50),
					setvalidator.ValueStringsAre(scopeRule()),
				},
			},
			"rotation_triggers": schema.MapAttribute{
				Description: "Arbitrary values; any change to them (adding them included) rotates the client secret in " +
					"place, keeping the client_id. Confidential clients only.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"deletion_protection": schema.BoolAttribute{
				Description: "When true, a plan that would destroy or replace the client fails and nothing is revoked. " +
					"Defaults to false.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"client_secret": schema.StringAttribute{
				Description: "The client secret, shown by Flexslot only once, when it is issued. Null for public clients " +
					"and after import.",
				Computed:  true,
				Sensitive: true,
			},
			"secret_rotated_at": schema.StringAttribute{
				Description: "When the secret held in `client_secret` was issued (RFC 3339).",
				Computed:    true,
			},
			"status": schema.StringAttribute{
				Description:   "`active`, or `suspended` when Flexslot has suspended the client.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Description:   "When the client was created (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
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
				Description:       "The client identifier (`flx_client_...`).",
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
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.ClientType.ValueString() == flexslot.ClientTypePublic && !config.RotationTriggers.IsNull() {
		resp.Diagnostics.Append(publicClientRotationDiagnostic())
	}
}

func (r *oauth2ClientResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state oauth2ClientModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.DeletionProtection.ValueBool() {
			resp.Diagnostics.Append(deletionProtectedDiagnostic(state.ClientID.ValueString(), "destroy"))
		}
		return
	}

	var plan oauth2ClientModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if req.State.Raw.IsNull() {
		if plan.ClientType.ValueString() == flexslot.ClientTypePublic {
			plan.ClientSecret = types.StringNull()
			plan.SecretRotatedAt = types.StringNull()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		r.warnIfAtClientLimit(ctx, resp)
		return
	}

	var state oauth2ClientModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !plan.ClientType.Equal(state.ClientType) {
		// client_type is immutable: this plan replaces the client.
		if state.DeletionProtection.ValueBool() {
			resp.Diagnostics.Append(deletionProtectedDiagnostic(state.ClientID.ValueString(), "replace"))
			return
		}
		resp.Diagnostics.Append(replacementRevokesDiagnostic(state.ClientID.ValueString()))
		return
	}

	if secretRotationPlanned(state, plan) {
		plan.ClientSecret = types.StringUnknown()
		plan.SecretRotatedAt = types.StringUnknown()
	} else {
		plan.ClientSecret = state.ClientSecret
		plan.SecretRotatedAt = state.SecretRotatedAt
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// secretRotationPlanned reports whether applying plan over state rotates the secret.
func secretRotationPlanned(state, plan oauth2ClientModel) bool {
	return plan.ClientType.ValueString() == flexslot.ClientTypeConfidential &&
		!plan.RotationTriggers.Equal(state.RotationTriggers)
}

// warnIfAtClientLimit warns, once per plan, when the partner already holds the
// maximum number of clients. It is only a warning because the same plan may
// revoke another client first; if the list fails, apply decides.
func (r *oauth2ClientResource) warnIfAtClientLimit(ctx context.Context, resp *resource.ModifyPlanResponse) {
	if r.data == nil || !r.data.claimLimitCheck() {
		return
	}
	clients, err := r.data.client.OAuth2Clients.List(ctx)
	if err != nil || len(clients) < clientLimit {
		return
	}
	resp.Diagnostics.Append(clientLimitWarning(clients))
}

func (r *oauth2ClientResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oauth2ClientModel
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

	createReq, diags := createRequestFromModel(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	issued, err := r.data.client.OAuth2Clients.Create(ctx, createReq)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("create the OAuth2 client", "", err))
		return
	}

	resp.Diagnostics.Append(plan.setClient(ctx, &issued.Client)...)
	plan.setIssuedSecret(issued)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, issued.Client.ClientID)...)
}

func (r *oauth2ClientResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oauth2ClientModel
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

	clientID := state.ClientID.ValueString()
	client, err := r.data.client.OAuth2Clients.Get(ctx, clientID)
	if flexslot.IsNotFound(err) {
		resp.Diagnostics.Append(clientGoneWarning(clientID))
		resp.State.RemoveResource(ctx)
		// The framework requires an identity even for a removed resource.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("read the OAuth2 client", clientID, err))
		return
	}

	if client.Status == flexslot.StatusSuspended {
		resp.Diagnostics.Append(clientSuspendedWarning(clientID))
	}
	if secretIsStale(state, client) {
		resp.Diagnostics.Append(staleSecretWarning(clientID, *client.SecretRotatedAt))
	}
	if state.DeletionProtection.IsNull() {
		state.DeletionProtection = types.BoolValue(false)
	}
	resp.Diagnostics.Append(state.setClient(ctx, client)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
}

// secretIsStale reports whether the secret in state was replaced outside
// Terraform, such as by "Rotate secret" in the dashboard.
func secretIsStale(state oauth2ClientModel, client *flexslot.OAuth2Client) bool {
	if state.ClientSecret.IsNull() || client.SecretRotatedAt == nil {
		return false
	}
	held, err := time.Parse(time.RFC3339Nano, state.SecretRotatedAt.ValueString())
	return err == nil && client.SecretRotatedAt.After(held)
}

func (r *oauth2ClientResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state oauth2ClientModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	// Whatever fails below, the state written holds every change already made,
	// so a new secret is never lost.
	result := state
	result.DeletionProtection = plan.DeletionProtection
	result.Timeouts = plan.Timeouts
	defer func() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &result)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
	}()

	if secretRotationPlanned(state, plan) {
		issued, err := r.data.client.OAuth2Clients.RotateSecret(ctx, clientID)
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic("rotate the client secret", clientID, err))
			return
		}
		result.setIssuedSecret(issued)
		resp.Diagnostics.Append(result.setClient(ctx, &issued.Client)...)
	}
	result.RotationTriggers = plan.RotationTriggers

	updateReq, changed, diags := updateRequestFromModels(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !changed {
		return
	}
	client, err := r.data.client.OAuth2Clients.Update(ctx, clientID, updateReq)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("update the OAuth2 client", clientID, err))
		return
	}
	resp.Diagnostics.Append(result.setClient(ctx, client)...)
}

func (r *oauth2ClientResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oauth2ClientModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	clientID := state.ClientID.ValueString()
	err := r.data.client.OAuth2Clients.Revoke(ctx, clientID)
	if err != nil && !flexslot.IsNotFound(err) {
		resp.Diagnostics.Append(apiErrorDiagnostic("revoke the OAuth2 client", clientID, err))
	}
}

func (r *oauth2ClientResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	clientID := req.ID
	attrPath := path.Root("client_id")
	if req.ID == "" && req.Identity != nil {
		var identity oauth2ClientIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		clientID = identity.ClientID.ValueString()
	}
	if err := parseClientID(clientID); err != nil {
		resp.Diagnostics.AddAttributeError(attrPath, "Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, attrPath, clientID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, clientID)...)
	resp.Diagnostics.Append(importedWithoutSecretWarning(clientID))
}

// withTimeout bounds an operation, and with it every retry, by its configured timeout.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), fallback time.Duration) (context.Context, context.CancelFunc, diag.Diagnostics) {
	d, diags := timeout(ctx, fallback)
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, diags
}
