# Adopt the partner's current API key without rotating it, by the partner's id
# or slug (the flexslot_partner data source shows both). Flexslot never shows a
# key twice, so plaintext_api_key stays empty and key_current false until the
# next rotation.
terraform import flexslot_partner_api_key.this deck-builder
