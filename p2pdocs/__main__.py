from p2pdocs.cli import main

main()
