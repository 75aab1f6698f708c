# Reject a bad redirect URI when the module is called, with the same messages
# Flexslot would answer, before any plan. Needs Terraform 1.8+ or OpenTofu 1.7+.
variable "redirect_uris" {
  description = "Redirect URIs of the app's OAuth2 client."
  type        = list(string)

  validation {
    condition = alltrue([
      for uri in var.redirect_uris : length(provider::flexslot::redirect_uri_problems(uri)) == 0
    ])
    error_message = join("\n", flatten([
      for uri in var.redirect_uris : [
        for problem in provider::flexslot::redirect_uri_problems(uri) : "The redirect URI \"${uri}\" ${problem}."
      ]
    ]))
  }
}

# An empty list: the URI is valid.
output "valid" {
  value = provider::flexslot::redirect_uri_problems("https://decks.example.com/oauth/callback")
}

# ["must use https: http is allowed only for the loopback hosts localhost, 127.0.0.1 and [::1]"]
output "plain_http" {
  value = provider::flexslot::redirect_uri_problems("http://decks.example.com/oauth/callback")
}
