public enum ParquetCodecsPlaceholder {}
