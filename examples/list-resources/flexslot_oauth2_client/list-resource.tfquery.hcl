# clients.tfquery.hcl, beside the configuration above (Terraform 1.14+): find
# the partner's OAuth2 clients, including those created in the dashboard, and
# generate import blocks for them:
#
#   terraform query -generate-config-out=generated.tf
list "flexslot_oauth2_client" "all" {
  provider = flexslot
}

# Only the confidential clients that Flexslot has suspended.
list "flexslot_oauth2_client" "suspended" {
  provider         = flexslot
  include_resource = true

  config {
    client_type = "confidential"
    status      = "suspended"
  }
}
