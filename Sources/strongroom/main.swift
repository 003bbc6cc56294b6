import StrongroomCLI

StrongroomMain.run()
