from irocli.cli import main

main()
