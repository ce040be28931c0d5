"""Nextflow pipelines on DNAnexus: building them with the Nextflow Pipeline Importer app."""
