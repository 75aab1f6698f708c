// Package testconsumer is a provider for tests only: the stand-in for a secret
// store (Vault KV, AWS Secrets Manager, a Kubernetes Secret) at the end of the
// chain Flexslot → client_secret_encrypted → flexslot_oauth2_client_secret →
// write-only argument. Its one resource, consumer_secret, takes the secret in
// the write-only secret_wo (new again whenever secret_wo_version changes),
// checks it with the emulator's POST /_emulator/verify-secret, failing the
// apply if Flexslot refuses it, and keeps it in a Store the test can read. The
// secret is in no state file: secret_wo is write-only.
package testconsumer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Store holds the secrets consumer_secret resources received, by name, as a
// secret store would.
type Store struct {
	mu      sync.Mutex
	secrets map[string]string
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{secrets: map[string]string{}} }

// Get returns the secret held under name, if any.
func (s *Store) Get(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.secrets[name]
	return secret, ok
}

func (s *Store) put(name, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[name] = secret
}

func (s *Store) remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.secrets, name)
}

// New returns a constructor for the consumer provider, which checks secrets
// with the emulator at emulatorURL and keeps them in store.
func New(emulatorURL string, store *Store) func() provider.Provider {
	return func() provider.Provider {
		return &consumerProvider{verifier: verifier{url: emulatorURL + "/_emulator/verify-secret"}, store: store}
	}
}

var (
	_ provider.Provider = (*consumerProvider)(nil)
	_ resource.Resource = (*secretResource)(nil)
)

type consumerProvider struct {
	verifier verifier
	store    *Store
}

func (p *consumerProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "consumer"
}

func (p *consumerProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {
}

func (p *consumerProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *consumerProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &secretResource{verifier: p.verifier, store: p.store} }}
}

func (p *consumerProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type secretResource struct {
	verifier verifier
	store    *Store
}

type secretModel struct {
	Name            types.String `tfsdk:"name"`
	ClientID        types.String `tfsdk:"client_id"`
	SecretWO        types.String `tfsdk:"secret_wo"`
	SecretWOVersion types.Int64  `tfsdk:"secret_wo_version"`
	Verified        types.Bool   `tfsdk:"verified"`
}

func (r *secretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (r *secretResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A client secret delivered to a store, as a secret store's write-only argument receives it.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Description:   "Where the store keeps the secret.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"client_id": schema.StringAttribute{
				Description: "The client the secret belongs to.",
				Required:    true,
			},
			"secret_wo": schema.StringAttribute{
				Description: "The client secret; write-only, so it is in no state or plan.",
				Optional:    true,
				Sensitive:   true,
				WriteOnly:   true,
			},
			"secret_wo_version": schema.Int64Attribute{
				Description: "Change it to deliver secret_wo again.",
				Optional:    true,
			},
			"verified": schema.BoolAttribute{
				Description: "Whether Flexslot accepted the secret delivered last.",
				Computed:    true,
			},
		},
	}
}

func (r *secretResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan secretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secret_wo"), &plan.SecretWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.deliver(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *secretResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *secretResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan secretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secret_wo"), &plan.SecretWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.deliver(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *secretResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state secretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	r.store.remove(state.Name.ValueString())
}

// deliver checks the secret in m.SecretWO with Flexslot and stores it; m is
// left ready for state, without the secret.
func (r *secretResource) deliver(ctx context.Context, m *secretModel, diags *diag.Diagnostics) {
	if m.SecretWO.IsNull() || m.SecretWO.IsUnknown() {
		diags.AddAttributeError(path.Root("secret_wo"), "No secret delivered", "secret_wo is null or unknown at apply.")
		return
	}
	secret := m.SecretWO.ValueString()
	m.SecretWO = types.StringNull()
	valid, err := r.verifier.verify(ctx, m.ClientID.ValueString(), secret)
	if err != nil {
		diags.AddAttributeError(path.Root("secret_wo"), "Could not check the secret", err.Error())
		return
	}
	if !valid {
		diags.AddAttributeError(path.Root("secret_wo"), "Flexslot refused the secret",
			fmt.Sprintf("The secret delivered in secret_wo is not the current secret of %s.", m.ClientID.ValueString()))
		return
	}
	r.store.put(m.Name.ValueString(), secret)
	m.Verified = types.BoolValue(true)
}

// verifier asks the emulator whether a secret is a client's current secret.
type verifier struct{ url string }

func (v verifier) verify(ctx context.Context, clientID, secret string) (bool, error) {
	body, err := json.Marshal(map[string]string{"client_id": clientID, "client_secret": secret})
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.url, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, fmt.Errorf("calling the emulator's verify-secret: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Valid bool `json:"valid"`
	}
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("the emulator's verify-secret answered %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return false, fmt.Errorf("reading the emulator's verify-secret answer: %w", err)
	}
	return out.Valid, nil
}
