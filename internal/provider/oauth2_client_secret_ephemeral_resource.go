package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
)

var (
	_ ephemeral.EphemeralResource                   = (*oauth2ClientSecretEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*oauth2ClientSecretEphemeralResource)(nil)
)

// NewOAuth2ClientSecretEphemeralResource returns the
// flexslot_oauth2_client_secret ephemeral resource. It decrypts in memory and
// calls no API, so it needs nothing from the provider's configuration.
func NewOAuth2ClientSecretEphemeralResource() ephemeral.EphemeralResource {
	return &oauth2ClientSecretEphemeralResource{}
}

type oauth2ClientSecretEphemeralResource struct{}

type oauth2ClientSecretModel struct {
	ClientSecretEncrypted types.String `tfsdk:"client_secret_encrypted"`
	Identity              types.String `tfsdk:"identity"`
	ClientSecret          types.String `tfsdk:"client_secret"`
}

func (r *oauth2ClientSecretEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_client_secret"
}

func (r *oauth2ClientSecretEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Decrypts a client secret that `flexslot_oauth2_client` keeps encrypted (`secret_recipients`), in " +
			"memory, for a write-only argument or a provisioner: the plaintext is in no state file and no plan file. " +
			"Calls no API. Needs Terraform 1.10+ or OpenTofu 1.11+.",
		Attributes: map[string]schema.Attribute{
			"client_secret_encrypted": schema.StringAttribute{
				Description: "The `client_secret_encrypted` attribute of a `flexslot_oauth2_client`. It must be set: it " +
					"is optional in the schema only so that a null value (a client without `secret_recipients`, a public " +
					"client, an imported one) gets an error that says how to fix it. While it is unknown, as in a plan " +
					"that creates the client or rotates its secret, the CLI opens this resource only at apply.",
				Optional: true,
			},
			"identity": schema.StringAttribute{
				Description: "What `age -i` reads, belonging to one of `secret_recipients`: age X25519 identities " +
					"(`AGE-SECRET-KEY-1...`), one a line, `#` comments allowed as age-keygen writes them; or one " +
					"unencrypted OpenSSH ed25519 or RSA private key. Pass it from an ephemeral variable, so it is in no " +
					"state or plan either.",
				Required:  true,
				Sensitive: true,
			},
			"client_secret": schema.StringAttribute{
				Description: "The client secret, decrypted.",
				Computed:    true,
				Sensitive:   true,
			},
		},
	}
}

// ValidateConfig reports an identity or ciphertext that can never work as
// early as their values are known.
func (r *oauth2ClientSecretEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var config oauth2ClientSecretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateSealedConfig(clientSecretSource, config.ClientSecretEncrypted, config.Identity)...)
}

func (r *oauth2ClientSecretEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config oauth2ClientSecretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	secret, diags := openSealedSecret(clientSecretSource, config.ClientSecretEncrypted, config.Identity)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.ClientSecret = types.StringValue(secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &config)...)
}

// validateSealedConfig reports an identity or ciphertext that can never work,
// as soon as their values are known.
func validateSealedConfig(src sealedSource, ciphertext, identity types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(identity) {
		if _, err := sealedsecret.ParseIdentities(identity.ValueString()); err != nil {
			diags.Append(invalidIdentityDiagnostic(err))
		}
	}
	if known(ciphertext) && !strings.HasPrefix(strings.TrimSpace(ciphertext.ValueString()), "-----BEGIN AGE ENCRYPTED FILE-----") {
		diags.Append(notCiphertextDiagnostic(src, sealedsecret.ErrNotCiphertext))
	}
	return diags
}

// openSealedSecret decrypts ciphertext with identity; each failure is an error
// on the argument to fix, quoting neither value.
func openSealedSecret(src sealedSource, ciphertext, identity types.String) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if ciphertext.IsNull() {
		return "", append(diags, sealedNullDiagnostic(src))
	}
	ids, err := sealedsecret.ParseIdentities(identity.ValueString())
	if err != nil {
		return "", append(diags, invalidIdentityDiagnostic(err))
	}
	secret, err := sealedsecret.Open(ciphertext.ValueString(), ids...)
	switch {
	case errors.Is(err, sealedsecret.ErrNoIdentityMatched):
		diags.Append(noIdentityMatchedDiagnostic(src, err))
	case err != nil:
		diags.Append(notCiphertextDiagnostic(src, err))
	}
	return secret, diags
}

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
