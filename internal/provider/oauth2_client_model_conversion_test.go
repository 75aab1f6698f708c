package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func resourceSchema(t testing.TB) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	(&oauth2ClientResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// sampleValue builds a value of typ: known values that differ per attribute
// when set, else null or unknown everywhere.
func sampleValue(typ tftypes.Type, name string, kind string) tftypes.Value {
	switch kind {
	case "null":
		return tftypes.NewValue(typ, nil)
	case "unknown":
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, "value of "+name)
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, len(name)%2 == 0)
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, big.NewFloat(float64(len(name))))
	case typ.Is(tftypes.Set{}):
		elem := typ.(tftypes.Set).ElementType
		return tftypes.NewValue(typ, []tftypes.Value{sampleValue(elem, name+" 1", kind), sampleValue(elem, name+" 2", kind)})
	case typ.Is(tftypes.Map{}):
		elem := typ.(tftypes.Map).ElementType
		return tftypes.NewValue(typ, map[string]tftypes.Value{"k": sampleValue(elem, name+" k", kind)})
	case typ.Is(tftypes.Object{}):
		values := map[string]tftypes.Value{}
		for attrName, attrType := range typ.(tftypes.Object).AttributeTypes {
			values[attrName] = sampleValue(attrType, attrName, kind)
		}
		return tftypes.NewValue(typ, values)
	}
	panic(fmt.Sprintf("sampleValue: no sample for %s", typ))
}

// TestModelConversionInStep checks that the hand-written conversion covers
// every attribute of the schema and every field of the model, and reads and
// writes exactly what the framework's reflection does: an attribute added to
// the schema and the model but not to fields() fails here.
func TestModelConversionInStep(t *testing.T) {
	ctx := context.Background()
	s := resourceSchema(t)

	var names []string
	for _, f := range (&oauth2ClientModel{}).fields() {
		names = append(names, f.name)
	}
	slices.Sort(names)
	var inSchema []string
	for name := range s.Attributes {
		inSchema = append(inSchema, name)
	}
	for name := range s.Blocks {
		inSchema = append(inSchema, name)
	}
	slices.Sort(inSchema)
	var tags []string
	model := reflect.TypeFor[oauth2ClientModel]()
	for i := range model.NumField() {
		tags = append(tags, model.Field(i).Tag.Get("tfsdk"))
	}
	slices.Sort(tags)
	if !slices.Equal(names, inSchema) || !slices.Equal(names, tags) {
		t.Fatalf("fields() names %v,\nthe schema has %v,\nthe model's tfsdk tags are %v", names, inSchema, tags)
	}

	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	objects := map[string]tftypes.Value{}
	for _, kind := range []string{"known", "null", "unknown"} {
		values := map[string]tftypes.Value{}
		for name, attrType := range typ.AttributeTypes {
			values[name] = sampleValue(attrType, name, kind)
		}
		objects[kind] = tftypes.NewValue(typ, values)
	}
	// Known sets and maps of unknown elements, as a plan holds them.
	mixed := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		kind := "known"
		if attrType.Is(tftypes.String) {
			kind = "unknown"
		}
		mixed[name] = sampleValue(attrType, name, kind)
	}
	objects["mixed"] = tftypes.NewValue(typ, mixed)

	for kind, raw := range objects {
		t.Run(kind, func(t *testing.T) {
			state := tfsdk.State{Schema: s, Raw: raw}
			var byReflection, byHand oauth2ClientModel
			if diags := state.Get(ctx, &byReflection); diags.HasError() {
				t.Fatal(diags)
			}
			if diags := getModel(ctx, raw, &byHand); diags.HasError() {
				t.Fatal(diags)
			}
			reflected := byReflection.fields()
			for i, f := range byHand.fields() {
				if !f.value().Equal(reflected[i].value()) {
					t.Errorf("%s: read %s by hand, %s by reflection", f.name, f.value(), reflected[i].value())
				}
			}
			written := tfsdk.State{Schema: s}
			if diags := written.Set(ctx, &byReflection); diags.HasError() {
				t.Fatal(diags)
			}
			var byHandRaw tftypes.Value
			if diags := setModel(ctx, &byHandRaw, &byHand); diags.HasError() {
				t.Fatal(diags)
			}
			if !byHandRaw.Equal(written.Raw) || !byHandRaw.Equal(raw) {
				diffs, _ := byHandRaw.Diff(written.Raw)
				t.Errorf("written by hand differs from reflection: %v", diffs)
			}
		})
	}
}

// BenchmarkModelConversion shows what reading and writing the 26-attribute
// model costs through terraform-plugin-framework's reflection (tfsdk.State.Get
// and Set, which in v1.19.0 compile a regular expression per struct field on
// every call, in internal/reflect's isValidFieldName) beside the hand-written
// conversion the resource uses. The one-field case shows the per-field cost.
func BenchmarkModelConversion(b *testing.B) {
	ctx := context.Background()
	s := resourceSchema(b)
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = sampleValue(attrType, name, "known")
	}
	raw := tftypes.NewValue(typ, values)

	b.Run("framework Get and Set", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var m oauth2ClientModel
			if diags := (tfsdk.State{Schema: s, Raw: raw}).Get(ctx, &m); diags.HasError() {
				b.Fatal(diags)
			}
			out := tfsdk.State{Schema: s}
			if diags := out.Set(ctx, &m); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var m oauth2ClientModel
			if diags := getModel(ctx, raw, &m); diags.HasError() {
				b.Fatal(diags)
			}
			var out tftypes.Value
			if diags := setModel(ctx, &out, &m); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})

	one := schema.Schema{Attributes: map[string]schema.Attribute{"name": schema.StringAttribute{Optional: true}}}
	oneRaw := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}},
		map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, strings.Repeat("x", 8))})
	b.Run("framework Get of one field", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var m struct {
				Name types.String `tfsdk:"name"`
			}
			if diags := (tfsdk.State{Schema: one, Raw: oneRaw}).Get(ctx, &m); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
}

// BenchmarkSchemaWidth shows why the plugin framework's own work per resource
// grows faster than the schema's width, which no code of ours can skip: its
// validation, plan modification and semantic equality walks find each
// attribute's value by path, on config, plan and state, and in v1.19.0 each
// such lookup copies the schema's whole attribute map
// (resource/schema.Schema.GetAttributes). So one lookup costs more the wider
// the schema, and a wider schema needs more of them. flexslot_oauth2_client
// has 27 attributes; a minimal resource, such as the bench's no-op, has 2.
func BenchmarkSchemaWidth(b *testing.B) {
	ctx := context.Background()
	for _, width := range []int{2, 27, 54} {
		attrs := map[string]schema.Attribute{}
		attrTypes := map[string]tftypes.Type{}
		values := map[string]tftypes.Value{}
		for i := range width {
			name := fmt.Sprintf("attribute_%02d", i)
			attrs[name] = schema.StringAttribute{Optional: true}
			attrTypes[name] = tftypes.String
			values[name] = tftypes.NewValue(tftypes.String, name)
		}
		state := tfsdk.State{Schema: schema.Schema{Attributes: attrs}, Raw: tftypes.NewValue(tftypes.Object{AttributeTypes: attrTypes}, values)}
		b.Run(fmt.Sprintf("one lookup in %d attributes", width), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				var v types.String
				if diags := state.GetAttribute(ctx, path.Root("attribute_00"), &v); diags.HasError() {
					b.Fatal(diags)
				}
			}
		})
	}
}
