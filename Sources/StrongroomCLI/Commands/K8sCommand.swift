import ArgumentParser
import Foundation
import Kubernetes

struct K8sCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s",
        abstract: "Kubernetes deployment: manifests for CAS, node agents and attested Spark.",
        subcommands: [K8sRenderCommand.self])
}

struct K8sRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render deploy.yaml into Kubernetes manifests (deploy/README.md).",
        discussion: """
        Without --output, every object is written to standard output as one YAML stream. With \
        --output DIR, one file per object (NN-kind-name.yaml, in apply order) plus spark/ with the \
        driver and executor pod templates and spark.properties for spark-submit; files of an \
        earlier render in DIR are replaced. The same deploy.yaml always gives the same bytes.
        """)

    @Option(help: "The deployment description (deploy.yaml).")
    var config: String

    @Option(help: "Write one file per object into this directory instead of standard output.")
    var output: String?

    func run() throws {
        guard let data = FileManager.default.contents(atPath: config) else { throw CLIError("cannot read \(config)") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(config): not UTF-8 text") }
        let deployment: DeployConfig
        do {
            deployment = try DeployConfig.parse(yaml: text)
        } catch {
            throw CLIError("\(config): \(error.message)")
        }
        let rendered = RenderedDeployment(deployment)
        guard let output else {
            FileHandle.standardOutput.write(Data(rendered.stream().utf8))
            return
        }
        let files = rendered.files(outputDir: output)
        try RenderedFiles.replace(in: output, with: files)
        StandardError.write("wrote \(files.count) files to \(output) (apply with: kubectl apply -f \(output))\n")
    }
}

/// Writes a render into a directory, removing files an earlier render left there (recognised by
/// their header), so objects dropped from deploy.yaml do not linger on the next `kubectl apply`.
enum RenderedFiles {
    static func replace(in directory: String, with files: [(path: String, text: String)]) throws {
        let fm = FileManager.default
        let sparkDir = directory + "/" + RenderedDeployment.sparkSubdirectory
        for dir in [directory, sparkDir] {
            do {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw CLIError("cannot create directory \(dir)")
            }
        }
        let keep = Set(files.map(\.path))
        for dir in [directory, sparkDir] {
            let prefix = dir == directory ? "" : RenderedDeployment.sparkSubdirectory + "/"
            for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where !keep.contains(prefix + name) {
                let path = dir + "/" + name
                guard name.hasSuffix(".yaml") || name.hasSuffix(".properties"),
                    let head = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readData(ofLength: 200),
                    String(decoding: head, as: UTF8.self).hasPrefix(RenderedDeployment.header)
                else { continue }
                try? fm.removeItem(atPath: path)
            }
        }
        for file in files {
            let path = directory + "/" + file.path
            do {
                // Written whole or not at all.
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CLIError("cannot write \(path)")
            }
        }
    }
}
