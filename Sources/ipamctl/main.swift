import IPAMCtlKit

IPAMCtl.main()
