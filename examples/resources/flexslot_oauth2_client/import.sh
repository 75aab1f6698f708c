# Import a client created in the dashboard by its client_id. Flexslot never
# shows a secret twice, so client_secret stays empty until the next rotation.
terraform import flexslot_oauth2_client.web cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y
