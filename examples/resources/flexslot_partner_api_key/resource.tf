terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.12"
    }
  }
}

# Reads FLEXSLOT_PAT from the environment.
provider "flexslot" {}

# A new key every 90 days. Creating this resource replaces the partner's
# current API key: the old one stops working at once.
resource "time_rotating" "api_key" {
  rotation_days = 90
}

variable "ops_age_recipient" {
  type        = string
  description = "The age recipient (age1...) of the team that deploys the key."
}

resource "flexslot_partner_api_key" "this" {
  rotation_triggers = {
    rotated = time_rotating.api_key.id
  }

  # Keep only an encrypted key in state; decrypt it with `age -d -i key.txt`.
  secret_recipients = [var.ops_age_recipient]

  # Issue a key Terraform holds again when someone rotates it in the dashboard.
  rotate_when_stale = true
}

output "api_key_prefix" {
  value = flexslot_partner_api_key.this.api_key_prefix
}

output "api_key_encrypted" {
  value = flexslot_partner_api_key.this.api_key_encrypted
}
