import ArgumentParser
import QueryKernels

/// `--memory-limit 4GB`: bytes, or a size with a unit (KB…TB in powers of 1000, KiB…TiB of 1024).
extension MemoryLimit: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var defaultValueDescription: String { "80% of memory" }
}
