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

# The partner row of the token's owner.
data "flexslot_partner" "this" {}

# Stop a pipeline early when Flexslot has suspended the partner.
check "partner_active" {
  assert {
    condition     = data.flexslot_partner.this.status == "active"
    error_message = "The Flexslot partner is ${data.flexslot_partner.this.status}: no OAuth2 client can be created."
  }
}

# The scopes a client may use beyond the published catalog.
output "granted_scopes" {
  value = data.flexslot_partner.this.scopes
}

# Identifies the current partner API key in logs.
output "api_key_prefix" {
  value = data.flexslot_partner.this.api_key_prefix
}

output "rate_limit_tier" {
  value = data.flexslot_partner.this.rate_limit_tier
}
