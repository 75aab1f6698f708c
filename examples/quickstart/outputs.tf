output "web_client_id" {
  value = flexslot_oauth2_client.web.client_id
}

output "web_client_secret" {
  description = "Shown once by Flexslot; read it with `terraform output -raw web_client_secret`."
  value       = flexslot_oauth2_client.web.client_secret
  sensitive   = true
}

output "web_secret_rotated_at" {
  value = flexslot_oauth2_client.web.secret_rotated_at
}

output "cli_client_id" {
  value = flexslot_oauth2_client.cli.client_id
}

output "clients" {
  description = "Every client of the partner: client_id => \"type: application name (status)\"."
  value = {
    for c in data.flexslot_oauth2_clients.all.clients :
    c.client_id => "${c.client_type}: ${c.application_name} (${c.status})"
  }
}
