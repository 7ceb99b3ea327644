"""Root-cause analysis: five whys, contributing factors, 4M, countermeasures with 4E."""
