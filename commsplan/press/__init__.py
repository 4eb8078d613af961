"""The press desk: media enquiries and the rumour and claim register, joined to incidents and maps."""
