"""Help texts of ``dx extract_assay expression`` (its --json-help and --additional-fields-help)."""
from ..utils.printing import fill

# An example of the filters that --retrieve-expression takes (keys as the command reads them).
EXTRACT_ASSAY_EXPRESSION_JSON_TEMPLATE = """
{
  "location": [
    {
      "chromosome": "7",
      "starting_position": "55000000",
      "ending_position": "55300000"
    },
    {
      "chromosome": "17",
      "starting_position": "7660000",
      "ending_position": "7690000"
    }
  ],
  "expression": {
    "min_value": 2.5,
    "max_value": 5000
  },
  "annotation": {
    "feature_name": ["EGFR"],
    "feature_id": ["ENSG00000146648", "ENSG00000141510"]
  },
  "sample_id": ["sample_A", "sample_B"]
}
"""

EXTRACT_ASSAY_EXPRESSION_JSON_HELP = (
    fill("# The filter keys and the values they accept, by example:")
    + EXTRACT_ASSAY_EXPRESSION_JSON_TEMPLATE
)

EXTRACT_ASSAY_EXPRESSION_ADDITIONAL_FIELDS_HELP = """
Every result has these fields:

        NAME  TITLE             DESCRIPTION
   sample_id  Sample ID         Identifier of the sample
  feature_id  Feature ID        Identifier of the feature
       value  Expression Value  Expression of the feature in the sample

--additional-fields adds any of these (separate several with commas, e.g. "chrom,feature_name"):

        NAME  TITLE             DESCRIPTION
feature_name  Feature Name      Name of the feature
       chrom  Chromosome        Chromosome the feature is on
       start  Start Position    Genomic position where the feature starts
         end  End Position      Genomic position where the feature ends
      strand  Strand            Strand of the feature (forward or reverse)
"""
