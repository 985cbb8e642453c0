# One image repository per service. Create these first (terraform apply -target=aws_ecr_repository.service),
# push the images, then apply the rest: a function cannot be created from an image that is not there.

locals {
  # Terraform key => repository and Dockerfile directory (services/<dir>/Dockerfile).
  service_dirs = {
    api        = "api"
    pdf_worker = "pdf-worker"
    emailer    = "emailer"
    extractor  = "extractor"
    webhooks   = "webhooks"
  }
}

resource "aws_ecr_repository" "service" {
  for_each = local.service_dirs

  name                 = "billflow-${var.environment}/${each.value}"
  image_tag_mutability = "IMMUTABLE" # a tag always means the same image: deployments are reproducible

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}

resource "aws_ecr_lifecycle_policy" "service" {
  for_each = aws_ecr_repository.service

  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Keep the 20 newest images; a rollback rarely reaches further back"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = 20
        }
        action = { type = "expire" }
      },
    ]
  })
}
