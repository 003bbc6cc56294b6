import StrongroomCLI

await StrongroomMain.run()
