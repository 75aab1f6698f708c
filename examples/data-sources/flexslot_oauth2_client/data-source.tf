# A client made elsewhere (another configuration or the dashboard), looked up
# by its client_id. The client secret is never exposed.
variable "web_client_id" {
  description = "client_id of the web app's OAuth2 client (flx_client_...)."
  type        = string
}

data "flexslot_oauth2_client" "web" {
  client_id = var.web_client_id
}

output "web_redirect_uris" {
  value = data.flexslot_oauth2_client.web.redirect_uris
}

# Fail the plan early when Flexslot has suspended the client.
check "web_client_active" {
  assert {
    condition     = data.flexslot_oauth2_client.web.status == "active"
    error_message = "The OAuth2 client ${var.web_client_id} is ${data.flexslot_oauth2_client.web.status}; contact Flexslot."
  }
}
