import Parquet
public enum StrongroomCLIPlaceholder {}
