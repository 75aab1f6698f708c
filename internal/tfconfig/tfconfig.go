// Package tfconfig writes Terraform configurations for the acceptance tests,
// the reliability suite and the bench. Values are quoted by hclwrite, as
// Terraform itself would write them: a string is always a literal, never a
// template, unless it is given as an Expr.
package tfconfig

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Expr is an HCL expression written as it is: a reference such as
// var.rotation, a conditional, a function call or a template.
type Expr string

// Block is one block of a configuration: its attributes in the order they
// were first set, then its nested blocks. Its methods return the block, so
// that attributes and nested blocks can be chained onto a constructor.
type Block struct {
	typ    string
	labels []string
	attrs  []attribute
	blocks []*Block
}

type attribute struct {
	name   string
	tokens hclwrite.Tokens
}

// New returns an empty block of type typ with labels, such as
// New("resource", "terraform_data", "trigger").
func New(typ string, labels ...string) *Block {
	return &Block{typ: typ, labels: labels}
}

// Set sets attribute name to value, in place if the block has it already.
// A value is an Expr, a string, a bool, an int, a []string (nil is written
// as []), a map[string]string (written with its keys sorted) or a cty.Value.
func (b *Block) Set(name string, value any) *Block {
	var tokens hclwrite.Tokens
	if e, ok := value.(Expr); ok {
		tokens = exprTokens(e)
	} else {
		tokens = hclwrite.TokensForValue(ctyValue(value))
	}
	for i := range b.attrs {
		if b.attrs[i].name == name {
			b.attrs[i].tokens = tokens
			return b
		}
	}
	b.attrs = append(b.attrs, attribute{name, tokens})
	return b
}

// Nest appends the nested blocks children.
func (b *Block) Nest(children ...*Block) *Block {
	b.blocks = append(b.blocks, children...)
	return b
}

// String renders the block alone.
func (b *Block) String() string {
	return File(b)
}

func (b *Block) write() *hclwrite.Block {
	w := hclwrite.NewBlock(b.typ, b.labels)
	for _, a := range b.attrs {
		w.Body().SetAttributeRaw(a.name, a.tokens)
	}
	for _, c := range b.blocks {
		w.Body().AppendBlock(c.write())
	}
	return w
}

// File renders blocks in order, a blank line between them, formatted as
// terraform fmt would.
func File(blocks ...*Block) string {
	f := hclwrite.NewEmptyFile()
	for i, b := range blocks {
		if i > 0 {
			f.Body().AppendNewline()
		}
		f.Body().AppendBlock(b.write())
	}
	return string(hclwrite.Format(f.Bytes()))
}

// ctyValue converts a Go value to the cty value Set writes.
func ctyValue(v any) cty.Value {
	switch v := v.(type) {
	case cty.Value:
		return v
	case string:
		return cty.StringVal(v)
	case bool:
		return cty.BoolVal(v)
	case int:
		return cty.NumberIntVal(int64(v))
	case []string:
		if len(v) == 0 {
			return cty.ListValEmpty(cty.String)
		}
		elems := make([]cty.Value, len(v))
		for i, s := range v {
			elems[i] = cty.StringVal(s)
		}
		return cty.ListVal(elems)
	case map[string]string:
		if len(v) == 0 {
			return cty.MapValEmpty(cty.String)
		}
		elems := make(map[string]cty.Value, len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			elems[k] = cty.StringVal(v[k])
		}
		return cty.MapVal(elems)
	}
	panic(fmt.Sprintf("tfconfig: no HCL value for %T", v))
}

// exprTokens parses e as an expression, so that a mistake in a test's
// expression fails where it is written rather than in the CLI.
func exprTokens(e Expr) hclwrite.Tokens {
	src := "v = " + strings.TrimSpace(string(e)) + "\n"
	f, diags := hclwrite.ParseConfig([]byte(src), "expr.tf", hcl.InitialPos)
	if diags.HasErrors() {
		panic(fmt.Sprintf("tfconfig: %q is not an HCL expression: %s", e, diags.Error()))
	}
	attr := f.Body().GetAttribute("v")
	if attr == nil {
		panic(fmt.Sprintf("tfconfig: %q is not one HCL expression", e))
	}
	return attr.Expr().BuildTokens(nil)
}

// Quote is the HCL string literal of s, for an expression that mixes
// literals and references: Expr("[file(\"a.txt\"), " + string(Quote(s)) + "]").
func Quote(s string) Expr {
	return Expr(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}

// Ref is an expression referring to name, such as an address or a provider
// alias: Ref("flexslot.a").
func Ref(name string) Expr {
	return Expr(name)
}

// RequiredProvider is one entry of required_providers.
type RequiredProvider struct {
	Name    string // the local name, such as "flexslot"
	Source  string // such as "flexslot/flexslot"
	Version string // a version constraint; left out when empty
}

// Flexslot is the provider under test, from its dev_overrides.
var Flexslot = RequiredProvider{Name: "flexslot", Source: "flexslot/flexslot"}

// Terraform is the terraform block requiring providers.
func Terraform(providers ...RequiredProvider) *Block {
	req := New("required_providers")
	for _, p := range providers {
		attrs := map[string]cty.Value{"source": cty.StringVal(p.Source)}
		if p.Version != "" {
			attrs["version"] = cty.StringVal(p.Version)
		}
		req.Set(p.Name, cty.ObjectVal(attrs))
	}
	return New("terraform").Nest(req)
}

// Provider configures the flexslot provider. Empty fields are left out, so
// the provider falls back to its environment variables.
type Provider struct {
	Alias    string
	APIToken string
	BaseURL  string
}

// Block is the provider block.
func (p Provider) Block() *Block {
	b := New("provider", "flexslot")
	if p.Alias != "" {
		b.Set("alias", p.Alias)
	}
	if p.APIToken != "" {
		b.Set("api_token", p.APIToken)
	}
	if p.BaseURL != "" {
		b.Set("base_url", p.BaseURL)
	}
	return b
}

// OAuth2Client holds the attributes of a flexslot_oauth2_client most
// configurations set. Set further ones on the block Resource returns.
type OAuth2Client struct {
	// Provider is the provider configuration, such as "flexslot.a"; the
	// default one when empty.
	Provider string
	// The required attributes are always written, empty or not.
	ApplicationName string
	ClientType      string
	RedirectURIs    []string
	AllowedScopes   []string
	// GrantTypes is left out when nil.
	GrantTypes []string
	// RotationTriggers is left out when nil.
	RotationTriggers map[string]string
	// Timeouts, when not empty, is written as a timeouts block.
	Timeouts map[string]string
}

// Resource is the flexslot_oauth2_client resource block named name.
func (c OAuth2Client) Resource(name string) *Block {
	b := New("resource", "flexslot_oauth2_client", name)
	if c.Provider != "" {
		b.Set("provider", Ref(c.Provider))
	}
	b.Set("application_name", c.ApplicationName).
		Set("client_type", c.ClientType).
		Set("redirect_uris", c.RedirectURIs).
		Set("allowed_scopes", c.AllowedScopes)
	if c.GrantTypes != nil {
		b.Set("grant_types", c.GrantTypes)
	}
	if c.RotationTriggers != nil {
		b.Set("rotation_triggers", c.RotationTriggers)
	}
	if len(c.Timeouts) > 0 {
		t := New("timeouts")
		for _, k := range slices.Sorted(maps.Keys(c.Timeouts)) {
			t.Set(k, c.Timeouts[k])
		}
		b.Nest(t)
	}
	return b
}

// Data is a data source block, such as Data("flexslot_oauth2_client", "web").
func Data(typ, name string) *Block {
	return New("data", typ, name)
}

// Resource is a resource block of any type, such as
// Resource("terraform_data", "trigger").
func Resource(typ, name string) *Block {
	return New("resource", typ, name)
}

// Import imports the object id into the resource at address to.
func Import(to, id string) *Block {
	return New("import").Set("to", Ref(to)).Set("id", id)
}

// ImportIdentity imports the object with this resource identity into the
// resource at address to.
func ImportIdentity(to string, identity map[string]string) *Block {
	return New("import").Set("to", Ref(to)).Set("identity", identity)
}

// Removed removes the resource at address from from the configuration,
// destroying its object or only forgetting it.
func Removed(from string, destroy bool) *Block {
	return New("removed").Set("from", Ref(from)).Nest(New("lifecycle").Set("destroy", destroy))
}
