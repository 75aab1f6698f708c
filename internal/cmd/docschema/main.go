// Command docschema completes a providers schema JSON file, as written by
// `tofu providers schema -json`, with the schemas OpenTofu does not export yet:
// the provider's list resources (used by `terraform query`). tfplugindocs reads
// them from the list_resource_schemas key to render docs/list-resources/.
//
// Usage: go run ./internal/cmd/docschema -schema schema.json -provider registry.terraform.io/hashicorp/flexslot
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/flexslot/terraform-provider-flexslot/internal/provider"
)

func main() {
	schemaPath := flag.String("schema", "schema.json", "providers schema JSON file to complete in place")
	address := flag.String("provider", "registry.terraform.io/hashicorp/flexslot", "provider address used as key in the file")
	flag.Parse()
	if err := run(*schemaPath, *address); err != nil {
		fmt.Fprintln(os.Stderr, "docschema:", err)
		os.Exit(1)
	}
}

func run(schemaPath, address string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	schemas, _ := doc["provider_schemas"].(map[string]any)
	entry, ok := schemas[address].(map[string]any)
	if !ok {
		return fmt.Errorf("%s has no schema for %s", schemaPath, address)
	}

	server := providerserver.NewProtocol6(provider.New("docs")())()
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return err
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return errors.New(d.Summary + ": " + d.Detail)
		}
	}
	if _, exported := entry["list_resource_schemas"]; exported || len(resp.ListResourceSchemas) == 0 {
		return nil
	}
	lists := map[string]any{}
	for name, s := range resp.ListResourceSchemas {
		block, err := blockJSON(s.Block)
		if err != nil {
			return fmt.Errorf("list resource %s: %w", name, err)
		}
		lists[name] = map[string]any{"version": s.Version, "block": block}
	}
	entry["list_resource_schemas"] = lists

	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(schemaPath, out, 0o600)
}

// blockJSON renders a block the way `terraform providers schema -json` does.
func blockJSON(b *tfprotov6.SchemaBlock) (map[string]any, error) {
	out := map[string]any{"description_kind": descriptionKind(b.DescriptionKind)}
	if b.Description != "" {
		out["description"] = b.Description
	}
	if b.Deprecated {
		out["deprecated"] = true
	}
	if len(b.Attributes) > 0 {
		attrs, err := attributesJSON(b.Attributes)
		if err != nil {
			return nil, err
		}
		out["attributes"] = attrs
	}
	if len(b.BlockTypes) > 0 {
		blocks := map[string]any{}
		for _, nb := range b.BlockTypes {
			inner, err := blockJSON(nb.Block)
			if err != nil {
				return nil, err
			}
			bt := map[string]any{"nesting_mode": blockNesting(nb.Nesting), "block": inner}
			if nb.MinItems > 0 {
				bt["min_items"] = nb.MinItems
			}
			if nb.MaxItems > 0 {
				bt["max_items"] = nb.MaxItems
			}
			blocks[nb.TypeName] = bt
		}
		out["block_types"] = blocks
	}
	return out, nil
}

func attributesJSON(attrs []*tfprotov6.SchemaAttribute) (map[string]any, error) {
	out := map[string]any{}
	for _, a := range attrs {
		attr := map[string]any{"description_kind": descriptionKind(a.DescriptionKind)}
		if a.NestedType != nil {
			nested, err := attributesJSON(a.NestedType.Attributes)
			if err != nil {
				return nil, err
			}
			attr["nested_type"] = map[string]any{"attributes": nested, "nesting_mode": objectNesting(a.NestedType.Nesting)}
		} else {
			t, err := typeJSON(a.Type)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			attr["type"] = t
		}
		if a.Description != "" {
			attr["description"] = a.Description
		}
		for key, set := range map[string]bool{
			"required": a.Required, "optional": a.Optional, "computed": a.Computed,
			"sensitive": a.Sensitive, "deprecated": a.Deprecated, "write_only": a.WriteOnly,
		} {
			if set {
				attr[key] = true
			}
		}
		out[a.Name] = attr
	}
	return out, nil
}

// typeJSON encodes a type as in a schema file: "string", ["list","string"],
// ["object",{"name":"string"}], and so on.
func typeJSON(t tftypes.Type) (any, error) {
	switch {
	case t.Is(tftypes.String):
		return "string", nil
	case t.Is(tftypes.Number):
		return "number", nil
	case t.Is(tftypes.Bool):
		return "bool", nil
	case t.Is(tftypes.DynamicPseudoType):
		return "dynamic", nil
	}
	switch t := t.(type) {
	case tftypes.List:
		return collectionJSON("list", t.ElementType)
	case tftypes.Set:
		return collectionJSON("set", t.ElementType)
	case tftypes.Map:
		return collectionJSON("map", t.ElementType)
	case tftypes.Object:
		attrs := map[string]any{}
		for name, at := range t.AttributeTypes {
			enc, err := typeJSON(at)
			if err != nil {
				return nil, err
			}
			attrs[name] = enc
		}
		if len(t.OptionalAttributes) == 0 {
			return []any{"object", attrs}, nil
		}
		optional := make([]string, 0, len(t.OptionalAttributes))
		for name := range t.OptionalAttributes {
			optional = append(optional, name)
		}
		slices.Sort(optional)
		return []any{"object", attrs, optional}, nil
	case tftypes.Tuple:
		elems := make([]any, 0, len(t.ElementTypes))
		for _, et := range t.ElementTypes {
			enc, err := typeJSON(et)
			if err != nil {
				return nil, err
			}
			elems = append(elems, enc)
		}
		return []any{"tuple", elems}, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t)
}

func collectionJSON(kind string, elem tftypes.Type) (any, error) {
	enc, err := typeJSON(elem)
	if err != nil {
		return nil, err
	}
	return []any{kind, enc}, nil
}

func descriptionKind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

func blockNesting(m tfprotov6.SchemaNestedBlockNestingMode) string {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single"
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list"
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set"
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map"
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group"
	}
	return "invalid"
}

func objectNesting(m tfprotov6.SchemaObjectNestingMode) string {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single"
	case tfprotov6.SchemaObjectNestingModeList:
		return "list"
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set"
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map"
	}
	return "invalid"
}
