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

# A client made elsewhere (another configuration or the dashboard), looked up
# by its client_id. The client secret is never exposed.
variable "web_client_id" {
  description = "client_id of the web app's OAuth2 client, such as cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y."
  type        = string
}

data "flexslot_oauth2_client" "web" {
  client_id = var.web_client_id
}

# Or by its exact application name. Exactly one active or suspended client
# must carry it: none, or several, fail the plan with the matching IDs.
data "flexslot_oauth2_client" "cli" {
  application_name = "Deck Builder CLI"

  timeouts {
    read = "5m"
  }
}

output "web_redirect_uris" {
  value = data.flexslot_oauth2_client.web.redirect_uris
}

output "cli_client_id" {
  value = data.flexslot_oauth2_client.cli.client_id
}

# When the client was last used; null if never.
output "web_last_used_at" {
  value = data.flexslot_oauth2_client.web.last_used_at
}

# Fail the plan early when Flexslot has suspended the client.
check "web_client_active" {
  assert {
    condition     = data.flexslot_oauth2_client.web.status == "active"
    error_message = "The OAuth2 client ${var.web_client_id} is ${data.flexslot_oauth2_client.web.status}; contact Flexslot."
  }
}
