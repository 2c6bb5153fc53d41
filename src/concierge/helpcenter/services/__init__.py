"""Every write to the help center. Split by concern: writing articles and collections (writing),
importing and exporting a folder of Markdown (folders), and what readers do (reading)."""
