# A VPC whose functions reach PostgreSQL (through RDS Proxy) directly and AWS through VPC endpoints
# (S3 gateway; SQS, Secrets Manager, SES SMTP and Textract interface endpoints). Only the webhooks
# deliverer reaches the internet: it alone runs in the egress subnets, routed through one NAT
# gateway in one public subnet (the end of this file; docs/deploy.md says what it costs). Every
# other function's subnets have no route out at all.

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # needed for the interface endpoints' private DNS names

  tags = { Name = local.name }
}

resource "aws_subnet" "private" {
  count = length(local.azs)

  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index)
  map_public_ip_on_launch = false

  tags = { Name = "${local.name}-private-${local.azs[count.index]}", Tier = "private" }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "${local.name}-private" }
}

resource "aws_route_table_association" "private" {
  count = length(local.azs)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# Nothing may use the default security group.
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}

# --- flow logs --------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/billflow/${var.environment}/vpc-flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${local.name}-vpc-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "REJECT" # what was refused is what needs looking at; ACCEPT would cost more
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
}

# --- security groups --------------------------------------------------------------------------

resource "aws_security_group" "functions" {
  name        = "${local.name}-functions"
  description = "Billflow functions: out to RDS Proxy, the VPC endpoints and S3 only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "endpoints" {
  name        = "${local.name}-endpoints"
  # The description predates the Textract endpoint; changing it would replace the group.
  description = "Interface VPC endpoints (SQS, Secrets Manager, SES SMTP): in from the functions only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "proxy" {
  #checkov:skip=CKV2_AWS_5:Attached to aws_db_proxy.main (vpc_security_group_ids); this checkov version does not follow aws_db_proxy references.
  name        = "${local.name}-rds-proxy"
  description = "RDS Proxy: in from the functions, out to the database"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "database" {
  name        = "${local.name}-database"
  description = "PostgreSQL: in from RDS Proxy only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_proxy" {
  security_group_id            = aws_security_group.functions.id
  description                  = "PostgreSQL through RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy.id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_endpoints_https" {
  security_group_id            = aws_security_group.functions.id
  description                  = "HTTPS to the SQS, Secrets Manager and Textract endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_endpoints_smtp" {
  security_group_id            = aws_security_group.functions.id
  description                  = "SMTP submission (STARTTLS) to the SES SMTP endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 587
  to_port                      = 587
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_s3" {
  security_group_id = aws_security_group.functions.id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https_from_functions" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from the functions"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.functions.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_smtp_from_functions" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "SMTP submission from the functions"
  ip_protocol                  = "tcp"
  from_port                    = 587
  to_port                      = 587
  referenced_security_group_id = aws_security_group.functions.id
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_functions" {
  security_group_id            = aws_security_group.proxy.id
  description                  = "PostgreSQL from the functions"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.functions.id
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_database" {
  security_group_id            = aws_security_group.proxy.id
  description                  = "PostgreSQL to the database instance"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_secrets" {
  security_group_id            = aws_security_group.proxy.id
  description                  = "HTTPS to the Secrets Manager endpoint (the proxy reads the database credentials)"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https_from_proxy" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.proxy.id
}

resource "aws_vpc_security_group_ingress_rule" "database_from_proxy" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy.id
}

# --- VPC endpoints ----------------------------------------------------------------------------

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id, aws_route_table.egress.id]

  tags = { Name = "${local.name}-s3" }
}

locals {
  # sqs: the outbox relay and queue URL lookups; secretsmanager: secrets at cold start (functions)
  # and the database credentials (RDS Proxy); email-smtp: the emailer's SES SMTP connection;
  # textract: the extractor's AnalyzeExpense calls (BILLFLOW_DOCUMENT_READER=textract).
  interface_endpoints = toset(["sqs", "secretsmanager", "email-smtp", "textract"])
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true # the services' public names resolve to the endpoint inside the VPC

  tags = { Name = "${local.name}-${each.key}" }
}

# --- internet egress for the webhooks deliverer only ------------------------------------------
# Customers' webhook endpoints are on the internet, and the deliverer also needs the database.
# One NAT gateway, in the first AZ: the deliverer retries for 24 hours, so an AZ outage delays
# webhooks rather than losing them, and a second NAT would double the fixed cost.

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = local.name }
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.azs[0]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 15)
  map_public_ip_on_launch = false # only the NAT gateway lives here, with its own Elastic IP

  tags = { Name = "${local.name}-public-${local.azs[0]}", Tier = "public" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "${local.name}-public" }
}

resource "aws_route" "public_to_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "${local.name}-nat" }
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags          = { Name = local.name }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_subnet" "egress" {
  count = length(local.azs)

  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 8 + count.index)
  map_public_ip_on_launch = false

  tags = { Name = "${local.name}-egress-${local.azs[count.index]}", Tier = "egress" }
}

resource "aws_route_table" "egress" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "${local.name}-egress" }
}

resource "aws_route" "egress_to_nat" {
  route_table_id         = aws_route_table.egress.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main.id
}

resource "aws_route_table_association" "egress" {
  count = length(local.azs)

  subnet_id      = aws_subnet.egress[count.index].id
  route_table_id = aws_route_table.egress.id
}

# Added to the deliverer beside the functions' group: HTTPS out to anywhere. Private addresses
# are refused by the code before connecting (billflow.domain.webhooks.refused_address), and the
# database and endpoints admit the functions' group only, so this opens the internet and nothing
# else. Port 443 only: in AWS an endpoint is https on its default port.
resource "aws_security_group" "webhooks_egress" {
  name        = "${local.name}-webhooks-egress"
  description = "Billflow webhooks deliverer: HTTPS out to customers' endpoints"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "webhooks_to_internet_https" {
  security_group_id = aws_security_group.webhooks_egress.id
  description       = "HTTPS to webhook endpoints on the internet (through the NAT gateway)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
