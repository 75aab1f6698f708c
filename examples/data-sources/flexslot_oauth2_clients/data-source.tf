terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

# Reads FLEXSLOT_PAT from the environment.
provider "flexslot" {}

# Every active and suspended client of the partner, oldest first.
data "flexslot_oauth2_clients" "all" {}

# Only the public clients (CLIs, native apps, SPAs).
data "flexslot_oauth2_clients" "public" {
  client_type = "public"
}

# The clients Flexslot has suspended, for a CI report.
data "flexslot_oauth2_clients" "suspended" {
  status = "suspended"
}

# A client found by its exact application name.
data "flexslot_oauth2_clients" "deck_builder" {
  application_name = "Deck Builder"
}

output "client_ids" {
  value = data.flexslot_oauth2_clients.all.client_ids
}

output "suspended_clients" {
  value = { for c in data.flexslot_oauth2_clients.suspended.clients : c.client_id => c.application_name }
}

# Clients that were never used: candidates for revocation.
output "never_used_clients" {
  value = [for c in data.flexslot_oauth2_clients.all.clients : c.client_id if c.last_used_at == null]
}

# Each partner may hold 10 active or suspended clients.
output "free_client_slots" {
  value = 10 - length(data.flexslot_oauth2_clients.all.client_ids)
}
