package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// Every configuration takes the same variables: -var name_suffix=... changes
// every resource in place, -var rotation=... rotates every client secret.
func variables() []*tfconfig.Block {
	return []*tfconfig.Block{
		tfconfig.New("variable", "name_suffix").Set("type", tfconfig.Expr("string")).Set("default", ""),
		tfconfig.New("variable", "rotation").Set("type", tfconfig.Expr("string")).Set("default", ""),
	}
}

// partners splits n clients into groups of at most emulator.MaxClients, one
// partner (and provider alias) each.
func partners(n int) []int {
	var counts []int
	for n > 0 {
		c := min(n, emulator.MaxClients)
		counts = append(counts, c)
		n -= c
	}
	return counts
}

func clientName(partner, index int, suffix string) string {
	return fmt.Sprintf("bench p%d-%d%s", partner, index, suffix)
}

// nameTemplate is the application name of partner p's count.index-th
// resource, clientName in the configuration's own terms.
func nameTemplate(p int) tfconfig.Expr {
	return tfconfig.Expr(fmt.Sprintf(`"bench p%d-${count.index}${var.name_suffix}"`, p))
}

// flexslotConfig declares n clients through one provider alias per ten clients,
// each with its own partner token. imports, when set, maps resource instance
// addresses to the client ids to import into them.
func (b *bench) flexslotConfig(n int, imports map[string]string) string {
	blocks := append([]*tfconfig.Block{tfconfig.Terraform(tfconfig.Flexslot)}, variables()...)
	for p, count := range partners(n) {
		alias := fmt.Sprintf("p%d", p)
		blocks = append(blocks,
			tfconfig.Provider{Alias: alias, APIToken: b.tokens[p], BaseURL: b.baseURL}.Block(),
			clientResource("flexslot_oauth2_client", "flexslot."+alias, p, count))
	}
	for _, addr := range slices.Sorted(maps.Keys(imports)) {
		blocks = append(blocks, tfconfig.Import(addr, imports[addr]))
	}
	return tfconfig.File(blocks...)
}

// clientResource declares partner p's count clients as resources of typ,
// which has flexslot_oauth2_client's schema, through the provider named.
func clientResource(typ, provider string, p, count int) *tfconfig.Block {
	return tfconfig.Resource(typ, fmt.Sprintf("p%d", p)).
		Set("provider", tfconfig.Ref(provider)).
		Set("count", count).
		Set("application_name", nameTemplate(p)).
		Set("client_type", "confidential").
		Set("redirect_uris", []string{"https://app.example.com/oauth/callback"}).
		Set("allowed_scopes", []string{"cards:read", "decks:read"}).
		Set("rotation_triggers", tfconfig.Expr(`var.rotation == "" ? null : { rotation = var.rotation }`))
}

// dataConfig declares the same n resources as terraform_data, which the CLI
// handles in-process without any provider: the CLI's own floor.
func dataConfig(n int) string {
	blocks := variables()
	for p, count := range partners(n) {
		blocks = append(blocks, tfconfig.Resource("terraform_data", fmt.Sprintf("p%d", p)).
			Set("count", count).
			Set("input", tfconfig.Expr(fmt.Sprintf("{\n application_name = %s\n rotation = var.rotation\n}", nameTemplate(p)))))
	}
	return tfconfig.File(blocks...)
}

// aliasedConfig declares one alias of provider per partner's share of n, each
// with the resources resource declares for partner p's count of them.
func aliasedConfig(n int, provider tfconfig.RequiredProvider, resource func(alias string, p, count int) *tfconfig.Block) string {
	blocks := append([]*tfconfig.Block{tfconfig.Terraform(provider)}, variables()...)
	for p, count := range partners(n) {
		alias := fmt.Sprintf("p%d", p)
		blocks = append(blocks, tfconfig.New("provider", provider.Name).Set("alias", alias), resource(alias, p, count))
	}
	return tfconfig.File(blocks...)
}

var noopProvider = tfconfig.RequiredProvider{Name: "noop", Source: "bench/noop"}

// noopConfig declares the same n resources on the no-op framework provider,
// with as many provider aliases as flexslotConfig: the floor of any plugin.
func noopConfig(n int) string {
	return aliasedConfig(n, noopProvider, func(alias string, p, count int) *tfconfig.Block {
		return tfconfig.Resource("noop_thing", alias).
			Set("provider", tfconfig.Ref("noop."+alias)).
			Set("count", count).
			Set("input", tfconfig.Expr(fmt.Sprintf(`"bench p%d-${count.index}${var.name_suffix}${var.rotation}"`, p)))
	})
}

// wideConfig declares the same n clients, attribute for attribute, as
// noop_client resources, which have flexslot_oauth2_client's schema and none
// of its code, through as many aliases of the no-op provider: the floor of a
// schema this wide.
func wideConfig(n int) string {
	return aliasedConfig(n, noopProvider, func(alias string, p, count int) *tfconfig.Block {
		return clientResource("noop_client", "noop."+alias, p, count)
	})
}

// timeConfig declares the same n resources as time_static of hashicorp/time,
// an official framework provider that calls no API, with as many provider
// aliases as flexslotConfig. Its workspace needs init, from the tools mirror.
func timeConfig(n int, version string) string {
	return aliasedConfig(n, tfconfig.RequiredProvider{Name: "time", Source: "hashicorp/time", Version: version},
		func(alias string, p, count int) *tfconfig.Block {
			return tfconfig.Resource("time_static", alias).
				Set("provider", tfconfig.Ref("time."+alias)).
				Set("count", count).
				Set("triggers", tfconfig.Expr(fmt.Sprintf("{\n application_name = %s\n rotation = var.rotation\n}", nameTemplate(p))))
		})
}

// importAddresses maps each existing client of the first len(partners(n))
// partners to the resource instance its name belongs to.
func (b *bench) importAddresses(n int, suffix string) (map[string]string, error) {
	imports := map[string]string{}
	for p, count := range partners(n) {
		byName := map[string]string{}
		for _, c := range b.emu.Clients(b.tokens[p]) {
			byName[c.ApplicationName] = c.ClientID
		}
		for i := range count {
			id, ok := byName[clientName(p, i, suffix)]
			if !ok {
				return nil, fmt.Errorf("no client named %q to import", clientName(p, i, suffix))
			}
			imports[fmt.Sprintf("flexslot_oauth2_client.p%d[%d]", p, i)] = id
		}
	}
	return imports, nil
}
