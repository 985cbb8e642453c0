output "api_url" {
  description = "Base URL of the HTTP API."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "bucket" {
  description = "Documents bucket (BILLFLOW_BUCKET)."
  value       = aws_s3_bucket.documents.id
}

output "queue_urls" {
  description = "Work queues and their dead-letter queues."
  value = {
    render         = module.render_queue.url
    render_dlq     = module.render_queue.dlq_url
    delivery       = module.delivery_queue.url
    delivery_dlq   = module.delivery_queue.dlq_url
    statements     = module.statements_queue.url
    statements_dlq = module.statements_queue.dlq_url
    expense        = module.expense_queue.url
    expense_dlq    = module.expense_queue.dlq_url
    webhooks       = module.webhooks_queue.url
    webhooks_dlq   = module.webhooks_queue.dlq_url
    upload         = module.upload_queue.url
    upload_dlq     = module.upload_queue.dlq_url
    planning       = module.planning_queue.url
    planning_dlq   = module.planning_queue.dlq_url
  }
}

output "user_pool_id" {
  description = "Cognito user pool of Billflow's users."
  value       = aws_cognito_user_pool.main.id
}

output "user_pool_client_id" {
  description = "Cognito app client the API's JWT authorizer accepts."
  value       = aws_cognito_user_pool_client.api.id
}

output "ecr_repositories" {
  description = "Where to push each service's image."
  value       = { for k, r in aws_ecr_repository.service : k => r.repository_url }
}

output "function_names" {
  description = "Lambda function of each service."
  value       = local.functions
}

output "api_secret_arn" {
  description = "Secret holding the first admin's password (BILLFLOW_ADMIN_PASSWORD) and the JWT key."
  value       = aws_secretsmanager_secret.api.arn
}

output "database_secret_arn" {
  description = "RDS-managed secret with the database master credentials."
  value       = local.database_secret_arn
}

output "database_proxy_endpoint" {
  description = "Where the functions connect: the RDS Proxy endpoint (ha) or the Aurora cluster's writer endpoint (lean)."
  value       = local.database_host
}

output "ses_dns_records" {
  description = "DNS records SES needs for the domain (created already when route53_zone_id is set)."
  value = {
    dkim_cnames = [
      for t in aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens :
      "${t}._domainkey.${var.domain} CNAME ${t}.dkim.amazonses.com"
    ]
    mail_from_mx  = "${aws_sesv2_email_identity_mail_from_attributes.domain.mail_from_domain} MX 10 feedback-smtp.${var.region}.amazonses.com"
    mail_from_spf = "${aws_sesv2_email_identity_mail_from_attributes.domain.mail_from_domain} TXT \"v=spf1 include:amazonses.com ~all\""
  }
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = aws_sns_topic.alarms.arn
}

output "webhooks_source_ip" {
  description = "The address webhooks are sent from (the NAT gateway's): for customers who allow-list senders."
  value       = aws_eip.nat.public_ip
}
