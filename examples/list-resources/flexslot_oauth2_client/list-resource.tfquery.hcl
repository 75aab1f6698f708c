# clients.tfquery.hcl, beside the configuration above (Terraform 1.14+): find
# the partner's OAuth2 clients, including those created in the dashboard:
#
#   terraform query
#
# -generate-config-out=generated.tf also writes an import block and a resource
# block for every result of every list block: a client that two blocks find
# (here, a suspended confidential client) would be imported twice, at two
# addresses. Generate configuration from one list block, such as "all" alone.
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
