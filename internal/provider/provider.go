// Package provider implements the Flexslot Terraform provider.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

const (
	envToken   = "FLEXSLOT_PAT"
	envBaseURL = "FLEXSLOT_BASE_URL"

	// listPrefetchBound bounds the list Configure starts for the reads to
	// come, retries included, as a read with the default timeout is bounded.
	// A read with more time lists again if the prefetch ran out of it.
	listPrefetchBound = defaultReadTimeout
)

var (
	_ provider.Provider                  = (*flexslotProvider)(nil)
	_ provider.ProviderWithFunctions     = (*flexslotProvider)(nil)
	_ provider.ProviderWithListResources = (*flexslotProvider)(nil)

	_ provider.ProviderWithEphemeralResources = (*flexslotProvider)(nil)
)

type flexslotProvider struct {
	version string
	// getenv reads the environment fallbacks; tests inject their own so that
	// parallel tests can point the provider at their own emulator.
	getenv func(string) string
	// configured, when set, is given each client Configure makes, so that
	// tests can stop its lists in flight.
	configured func(*flexslot.Client)
}

type providerModel struct {
	APIToken types.String `tfsdk:"api_token"`
	BaseURL  types.String `tfsdk:"base_url"`
}

// Option adjusts a provider built by New.
type Option func(*flexslotProvider)

// WithEnv makes the provider read its environment fallbacks (FLEXSLOT_PAT,
// FLEXSLOT_BASE_URL) from env instead of the process environment.
func WithEnv(env map[string]string) Option {
	return func(p *flexslotProvider) { p.getenv = func(k string) string { return env[k] } }
}

// New returns a constructor for the provider, as providerserver.Serve expects.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &flexslotProvider{version: version, getenv: os.Getenv}
		for _, opt := range opts {
			opt(p)
		}
		return p
	}
}

func (p *flexslotProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "flexslot"
	resp.Version = p.version
}

func (p *flexslotProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages OAuth2 clients of a Flexslot partner through the partner API, authenticated with a Personal Access Token.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				Description: "Flexslot Personal Access Token (`flx_pat_...`) of the partner whose clients are managed. " +
					"Falls back to the `" + envToken + "` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
			"base_url": schema.StringAttribute{
				Description: "Base URL of the Flexslot API. Falls back to the `" + envBaseURL + "` environment variable, then to `" +
					flexslot.DefaultBaseURL + "`. Must be `https://`; plain `http://` is accepted only for the loopback hosts " +
					codeList("and", rules.LoopbackHosts()...) + ", so the token never travels in plaintext.",
				Optional:   true,
				Validators: []validator.String{baseURLRule{}},
			},
		},
	}
}

func (p *flexslotProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if config.APIToken.IsUnknown() {
		resp.Diagnostics.Append(unknownProviderValueDiagnostic(path.Root("api_token"), envToken))
	}
	if config.BaseURL.IsUnknown() {
		resp.Diagnostics.Append(unknownProviderValueDiagnostic(path.Root("base_url"), envBaseURL))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	token := firstNonEmpty(config.APIToken.ValueString(), p.getenv(envToken))
	baseURL := firstNonEmpty(config.BaseURL.ValueString(), p.getenv(envBaseURL), flexslot.DefaultBaseURL)

	var badToken *flexslot.TokenError
	switch err := flexslot.CheckToken(token); {
	case errors.As(err, &badToken) && badToken.Problem == flexslot.TokenEmpty:
		resp.Diagnostics.Append(missingTokenDiagnostic())
	case badToken != nil:
		resp.Diagnostics.Append(malformedTokenDiagnostic(tokenSource(config.APIToken), badToken))
	case !strings.HasPrefix(token, flexslot.TokenPrefix):
		resp.Diagnostics.Append(tokenPrefixWarning(tokenSource(config.APIToken)))
	}
	if _, err := flexslot.CheckBaseURL(baseURL); err != nil {
		resp.Diagnostics.Append(invalidBaseURLDiagnostic(path.Root("base_url"), baseURLSource(config.BaseURL), err))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := flexslot.NewClient(flexslot.Config{
		BaseURL:   baseURL,
		Token:     token,
		UserAgent: userAgent(p.version, req.TerraformVersion),
		// A 401 then names the token, by its metadata when Flexslot still shows it.
		DescribeRefusedToken: true,
		Logf: func(ctx context.Context, msg string, fields map[string]any) {
			tflog.Debug(ctx, msg, fields)
		},
	})
	if err != nil {
		resp.Diagnostics.Append(clientConfigurationDiagnostic(err))
		return
	}
	// The one list this process's reads share starts now, in the background,
	// so that it is in flight before the CLI hands the reads their slots. A
	// process that never reads costs this one list; a failure is reported by
	// the reads that needed it, never here.
	client.OAuth2Clients.Prefetch(ctx, listPrefetchBound)
	if p.configured != nil {
		p.configured(client)
	}
	data := &providerData{client: client}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
}

func (p *flexslotProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewOAuth2ClientResource, NewPartnerAPIKeyResource}
}

func (p *flexslotProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewOAuth2ClientDataSource, NewOAuth2ClientsDataSource, NewPartnerDataSource}
}

func (p *flexslotProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewRedirectURIProblemsFunction}
}

func (p *flexslotProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewOAuth2ClientSecretEphemeralResource, NewPartnerAPIKeyEphemeralResource}
}

func (p *flexslotProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewOAuth2ClientListResource}
}

// userAgent names the provider and the CLI version the plugin protocol reports.
// The protocol does not say which CLI (Terraform or OpenTofu) is running, so
// the header names none.
func userAgent(providerVersion, cliVersion string) string {
	ua := fmt.Sprintf("terraform-provider-flexslot/%s (+https://registry.terraform.io/providers/flexslot/flexslot", providerVersion)
	if cliVersion != "" {
		ua += "; cli " + cliVersion
	}
	return ua + ")"
}

func tokenSource(configured types.String) string {
	if configured.ValueString() != "" {
		return "api_token"
	}
	return "the " + envToken + " environment variable"
}

func baseURLSource(configured types.String) string {
	if configured.ValueString() != "" {
		return "base_url"
	}
	return "the " + envBaseURL + " environment variable"
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
