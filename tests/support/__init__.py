"""What the tests share that is not a fixture: constants, functions, small servers, scripts
run as child processes. Fixtures live in the `conftest.py` of the folder that uses them."""
