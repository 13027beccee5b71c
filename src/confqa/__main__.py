from confqa.cli import main

main()
