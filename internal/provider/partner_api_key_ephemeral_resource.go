package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ ephemeral.EphemeralResource                   = (*partnerAPIKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*partnerAPIKeyEphemeralResource)(nil)
)

var apiKeySource = sealedSource{
	attribute: "api_key_encrypted", what: "partner API key", resource: "flexslot_partner_api_key",
	notSealed: "api_key_encrypted is null: the flexslot_partner_api_key it comes from keeps no encrypted key, because " +
		"secret_recipients is not set, or it was imported (state holds no key then). Set secret_recipients on that " +
		"resource to the age recipient or SSH public key that belongs to identity: the apply that sets it rotates the " +
		"key and keeps it only encrypted. After an import, set rotate_when_stale = true as well.",
}

// NewPartnerAPIKeyEphemeralResource returns the flexslot_partner_api_key
// ephemeral resource. Like flexslot_oauth2_client_secret, it decrypts in
// memory and calls no API.
func NewPartnerAPIKeyEphemeralResource() ephemeral.EphemeralResource {
	return &partnerAPIKeyEphemeralResource{}
}

type partnerAPIKeyEphemeralResource struct{}

type partnerAPIKeyEphemeralModel struct {
	APIKeyEncrypted types.String `tfsdk:"api_key_encrypted"`
	Identity        types.String `tfsdk:"identity"`
	PlaintextAPIKey types.String `tfsdk:"plaintext_api_key"`
}

func (r *partnerAPIKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_api_key"
}

func (r *partnerAPIKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Decrypts a partner API key that `flexslot_partner_api_key` keeps encrypted (`secret_recipients`), " +
			"in memory, for a write-only argument or a provisioner: the plaintext is in no state file and no plan file. " +
			"Calls no API. Needs Terraform 1.10+ or OpenTofu 1.11+.",
		Attributes: map[string]schema.Attribute{
			"api_key_encrypted": schema.StringAttribute{
				Description: "The `api_key_encrypted` attribute of a `flexslot_partner_api_key`. It must be set: it is " +
					"optional in the schema only so that a null value gets an error that says how to fix it.",
				Optional: true,
			},
			"identity": schema.StringAttribute{
				Description: "What `age -i` reads, belonging to one of `secret_recipients`: age X25519 identities " +
					"(`AGE-SECRET-KEY-1...`), or one unencrypted OpenSSH ed25519 or RSA private key. Pass it from an " +
					"ephemeral variable, so it is in no state or plan either.",
				Required:  true,
				Sensitive: true,
			},
			"plaintext_api_key": schema.StringAttribute{
				Description: "The partner API key, decrypted.",
				Computed:    true,
				Sensitive:   true,
			},
		},
	}
}

func (r *partnerAPIKeyEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var config partnerAPIKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateSealedConfig(apiKeySource, config.APIKeyEncrypted, config.Identity)...)
}

func (r *partnerAPIKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config partnerAPIKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, diags := openSealedSecret(apiKeySource, config.APIKeyEncrypted, config.Identity)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.PlaintextAPIKey = types.StringValue(key)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &config)...)
}
