from commsplan import create_app

app = create_app()
