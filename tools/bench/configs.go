package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// Both configurations take the same variables: -var name_suffix=... changes
// every resource in place, -var rotation=... rotates every client secret.
const variables = `
variable "name_suffix" {
  type    = string
  default = ""
}

variable "rotation" {
  type    = string
  default = ""
}
`

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

// flexslotConfig declares n clients through one provider alias per ten clients,
// each with its own partner token. imports, when set, maps resource instance
// addresses to the client ids to import into them.
func (b *bench) flexslotConfig(n int, imports map[string]string) string {
	var s strings.Builder
	s.WriteString(`terraform {
  required_providers {
    flexslot = { source = "flexslot/flexslot" }
  }
}
`)
	s.WriteString(variables)
	for p, count := range partners(n) {
		fmt.Fprintf(&s, `
provider "flexslot" {
  alias     = "p%[1]d"
  api_token = %[2]s
  base_url  = %[3]s
}

resource "flexslot_oauth2_client" "p%[1]d" {
  provider          = flexslot.p%[1]d
  count             = %[4]d
  application_name  = "bench p%[1]d-${count.index}${var.name_suffix}"
  client_type       = "confidential"
  redirect_uris     = ["https://app.example.com/oauth/callback"]
  allowed_scopes    = ["cards:read", "decks:read"]
  rotation_triggers = var.rotation == "" ? null : { rotation = var.rotation }
}
`, p, strconv.Quote(b.tokens[p]), strconv.Quote(b.baseURL), count)
	}
	addrs := make([]string, 0, len(imports))
	for addr := range imports {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		fmt.Fprintf(&s, "\nimport {\n  to = %s\n  id = %s\n}\n", addr, strconv.Quote(imports[addr]))
	}
	return s.String()
}

// dataConfig declares the same n resources as terraform_data, which the CLI
// handles in-process without any provider: the CLI's own floor.
func dataConfig(n int) string {
	var s strings.Builder
	s.WriteString(variables)
	for p, count := range partners(n) {
		fmt.Fprintf(&s, `
resource "terraform_data" "p%[1]d" {
  count = %[2]d
  input = {
    application_name = "bench p%[1]d-${count.index}${var.name_suffix}"
    rotation         = var.rotation
  }
}
`, p, count)
	}
	return s.String()
}

// noopConfig declares the same n resources on the no-op framework provider,
// with as many provider aliases as flexslotConfig: the floor of any plugin.
func noopConfig(n int) string {
	var s strings.Builder
	s.WriteString(`terraform {
  required_providers {
    noop = { source = "bench/noop" }
  }
}
`)
	s.WriteString(variables)
	for p, count := range partners(n) {
		fmt.Fprintf(&s, `
provider "noop" {
  alias = "p%[1]d"
}

resource "noop_thing" "p%[1]d" {
  provider = noop.p%[1]d
  count    = %[2]d
  input    = "bench p%[1]d-${count.index}${var.name_suffix}${var.rotation}"
}
`, p, count)
	}
	return s.String()
}

// timeConfig declares the same n resources as time_static of hashicorp/time,
// an official framework provider that calls no API, with as many provider
// aliases as flexslotConfig. Its workspace needs init, from the tools mirror.
func timeConfig(n int, version string) string {
	var s strings.Builder
	fmt.Fprintf(&s, `terraform {
  required_providers {
    time = {
      source  = "hashicorp/time"
      version = %s
    }
  }
}
`, strconv.Quote(version))
	s.WriteString(variables)
	for p, count := range partners(n) {
		fmt.Fprintf(&s, `
provider "time" {
  alias = "p%[1]d"
}

resource "time_static" "p%[1]d" {
  provider = time.p%[1]d
  count    = %[2]d
  triggers = {
    application_name = "bench p%[1]d-${count.index}${var.name_suffix}"
    rotation         = var.rotation
  }
}
`, p, count)
	}
	return s.String()
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
