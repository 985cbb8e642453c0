# SES: the verified domain the invoices are sent from, and the SMTP credentials the emailer uses
# (its SmtpMailer speaks SMTP; SES's SMTP interface is reached through the email-smtp VPC
# endpoint). SES SMTP passwords are derived from an IAM access key, so an IAM user is the one
# way to get them; it can do nothing but send from our sender address.
#
# Alternative: an SES-API Mailer (sesv2 SendEmail) behind the same Mailer port would use the
# emailer's role instead of a user and a long-lived key. Then drop the user and the secret below,
# grant ses:SendEmail on the identity to the emailer, and add an email (sesv2) interface endpoint.

resource "aws_sesv2_email_identity" "domain" {
  email_identity = var.domain

  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }
}

resource "aws_sesv2_email_identity_mail_from_attributes" "domain" {
  email_identity         = aws_sesv2_email_identity.domain.email_identity
  mail_from_domain       = "bounce.${var.domain}"
  behavior_on_mx_failure = "USE_DEFAULT_VALUE"
}

# DNS records, when the domain is in Route 53 here; otherwise see the outputs.
resource "aws_route53_record" "dkim" {
  count = var.route53_zone_id == null ? 0 : 3

  zone_id = var.route53_zone_id
  name    = "${aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens[count.index]}._domainkey.${var.domain}"
  type    = "CNAME"
  ttl     = 1800
  records = ["${aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens[count.index]}.dkim.amazonses.com"]
}

resource "aws_route53_record" "mail_from_mx" {
  count = var.route53_zone_id == null ? 0 : 1

  zone_id = var.route53_zone_id
  name    = aws_sesv2_email_identity_mail_from_attributes.domain.mail_from_domain
  type    = "MX"
  ttl     = 1800
  records = ["10 feedback-smtp.${var.region}.amazonses.com"]
}

resource "aws_route53_record" "mail_from_spf" {
  count = var.route53_zone_id == null ? 0 : 1

  zone_id = var.route53_zone_id
  name    = aws_sesv2_email_identity_mail_from_attributes.domain.mail_from_domain
  type    = "TXT"
  ttl     = 1800
  records = ["v=spf1 include:amazonses.com ~all"]
}

# --- SMTP credentials -------------------------------------------------------------------------

resource "aws_iam_user" "smtp" {
  #checkov:skip=CKV_AWS_273:SES SMTP passwords can only be derived from an IAM user's access key; this user has no console access and can only send from the sender address.
  name = "${local.name}-ses-smtp"
  path = "/billflow/"
}

resource "aws_iam_group" "smtp" {
  name = "${local.name}-ses-smtp"
  path = "/billflow/"
}

resource "aws_iam_group_membership" "smtp" {
  name  = "${local.name}-ses-smtp"
  group = aws_iam_group.smtp.name
  users = [aws_iam_user.smtp.name]
}

data "aws_iam_policy_document" "smtp" {
  statement {
    sid       = "SendAsOurSenderOnly"
    actions   = ["ses:SendRawEmail"]
    resources = [aws_sesv2_email_identity.domain.arn]
    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [var.sender_address]
    }
  }
}

resource "aws_iam_group_policy" "smtp" {
  name   = "send-invoices"
  group  = aws_iam_group.smtp.name
  policy = data.aws_iam_policy_document.smtp.json
}

resource "aws_iam_access_key" "smtp" {
  user = aws_iam_user.smtp.name
}
